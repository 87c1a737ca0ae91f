/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type CameraErrorCode =
  | 'BACKEND_UNAVAILABLE'
  | 'CANNOT_OPEN_CAMERA'
  | 'CANNOT_READ_CAMERA';

export type CameraStatus =
  | 'ERROR'
  | 'IDLE'
  | 'LIVE'
  | 'OPENING'
  | 'PAUSED';

/** What a token grants: view (live frames, video, MJPEG, snapshots), events (history, snapshots, clips), control (updateStream), admin (tokens, links, audit). */
export type Capability =
  | 'ADMIN'
  | 'CONTROL'
  | 'EVENTS'
  | 'VIEW';

export type CreateAccessTokenInput = {
  /** Camera ids, or ["*"] for every camera. */
  cameras: Array<string | number>;
  capabilities: Array<Capability>;
  expiresAt?: string | null | undefined;
  label: string;
};

export type CreateShareLinkInput = {
  cameraId: string | number;
  expiresAt: string;
  label: string;
};

export type MotionEventPhase =
  /** Motion ended: the event has its end, peak, boxes and best snapshot. */
  | 'END'
  /** The clip is written (READY) or failed (FAILED). */
  | 'SAVED'
  /** Motion began: the event is stored, with its first snapshot. */
  | 'START';

export type RecordingStatus =
  /** Writing the clip failed (a full disk, a write error); capture went on. */
  | 'FAILED'
  /** No clip is recorded for this event. */
  | 'NONE'
  /** The clip is saved and can be played. */
  | 'READY'
  /** Frames are being written. */
  | 'RECORDING';

export type StreamSettingsInput = {
  activeCameraId?: string | number | null | undefined;
  fps?: number | null | undefined;
  paused?: boolean | null | undefined;
  quality?: number | null | undefined;
};

export type ViewerFieldsFragment = { capabilities: Array<Capability>, cameras: Array<string>, shareLink: boolean, expiresAt: string | null };

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { viewer: { capabilities: Array<Capability>, cameras: Array<string>, shareLink: boolean, expiresAt: string | null } };

export type AccessTokenFieldsFragment = { id: string, label: string, cameras: Array<string>, capabilities: Array<Capability>, createdAt: string, expiresAt: string | null, lastUsedAt: string | null };

export type AccessTokensQueryVariables = Exact<{ [key: string]: never; }>;


export type AccessTokensQuery = { accessTokens: Array<{ id: string, label: string, cameras: Array<string>, capabilities: Array<Capability>, createdAt: string, expiresAt: string | null, lastUsedAt: string | null }> };

export type CreateAccessTokenMutationVariables = Exact<{
  input: CreateAccessTokenInput;
}>;


export type CreateAccessTokenMutation = { createAccessToken: { secret: string, token: { id: string, label: string, cameras: Array<string>, capabilities: Array<Capability>, createdAt: string, expiresAt: string | null, lastUsedAt: string | null } } };

export type RevokeAccessTokenMutationVariables = Exact<{
  id: string | number;
}>;


export type RevokeAccessTokenMutation = { revokeAccessToken: { id: string } | null };

export type ShareLinkFieldsFragment = { id: string, cameraId: string, label: string, createdAt: string, expiresAt: string };

export type ShareLinksQueryVariables = Exact<{ [key: string]: never; }>;


export type ShareLinksQuery = { shareLinks: Array<{ id: string, cameraId: string, label: string, createdAt: string, expiresAt: string }> };

export type CreateShareLinkMutationVariables = Exact<{
  input: CreateShareLinkInput;
}>;


export type CreateShareLinkMutation = { createShareLink: { url: string, link: { id: string, cameraId: string, label: string, createdAt: string, expiresAt: string } } };

export type RevokeShareLinkMutationVariables = Exact<{
  id: string | number;
}>;


export type RevokeShareLinkMutation = { revokeShareLink: { id: string } | null };

export type CameraFieldsFragment = { id: string, label: string, status: CameraStatus, width: number | null, height: number | null, measuredFps: number, viewers: number, motion: boolean, motionDetection: boolean, error: { code: CameraErrorCode, message: string, at: string } | null };

export type CamerasQueryVariables = Exact<{ [key: string]: never; }>;


export type CamerasQuery = { cameras: Array<{ id: string, label: string, status: CameraStatus, width: number | null, height: number | null, measuredFps: number, viewers: number, motion: boolean, motionDetection: boolean, error: { code: CameraErrorCode, message: string, at: string } | null }> };

export type CameraStatusChangedSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type CameraStatusChangedSubscription = { cameraStatus: { id: string, label: string, status: CameraStatus, width: number | null, height: number | null, measuredFps: number, viewers: number, motion: boolean, motionDetection: boolean, error: { code: CameraErrorCode, message: string, at: string } | null } };

export type MotionEventFieldsFragment = { id: string, cameraId: string, startedAt: string, endedAt: string | null, inProgress: boolean, peakScore: number, snapshotUrl: string | null, snapshotWidth: number | null, snapshotHeight: number | null, recording: RecordingStatus, recordingError: string | null, clipUrl: string | null, clipMimeType: string | null, clipSeconds: number | null, boxes: Array<{ x: number, y: number, width: number, height: number }> };

export type EventsQueryVariables = Exact<{
  cameraId?: string | number | null | undefined;
  since?: string | null | undefined;
  until?: string | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type EventsQuery = { events: { totalCount: number, edges: Array<{ cursor: string, node: { id: string, cameraId: string, startedAt: string, endedAt: string | null, inProgress: boolean, peakScore: number, snapshotUrl: string | null, snapshotWidth: number | null, snapshotHeight: number | null, recording: RecordingStatus, recordingError: string | null, clipUrl: string | null, clipMimeType: string | null, clipSeconds: number | null, boxes: Array<{ x: number, y: number, width: number, height: number }> } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type EventQueryVariables = Exact<{
  id: string | number;
}>;


export type EventQuery = { event: { id: string, cameraId: string, startedAt: string, endedAt: string | null, inProgress: boolean, peakScore: number, snapshotUrl: string | null, snapshotWidth: number | null, snapshotHeight: number | null, recording: RecordingStatus, recordingError: string | null, clipUrl: string | null, clipMimeType: string | null, clipSeconds: number | null, boxes: Array<{ x: number, y: number, width: number, height: number }> } | null };

export type MotionEventsSubscriptionVariables = Exact<{
  cameraId?: string | number | null | undefined;
}>;


export type MotionEventsSubscription = { motionEvents: { phase: MotionEventPhase, event: { id: string, cameraId: string, startedAt: string, endedAt: string | null, inProgress: boolean, peakScore: number, snapshotUrl: string | null, snapshotWidth: number | null, snapshotHeight: number | null, recording: RecordingStatus, recordingError: string | null, clipUrl: string | null, clipMimeType: string | null, clipSeconds: number | null, boxes: Array<{ x: number, y: number, width: number, height: number }> } } };

export type FrameFieldsFragment = { cameraId: string, seq: number, capturedAt: string, width: number, height: number, mimeType: string, data: string };

export type FramesSubscriptionVariables = Exact<{
  cameraId?: string | number | null | undefined;
  maxFps?: number | null | undefined;
  maxWidth?: number | null | undefined;
}>;


export type FramesSubscription = { frames: { cameraId: string, seq: number, capturedAt: string, width: number, height: number, mimeType: string, data: string } };

export type SnapshotQueryVariables = Exact<{
  cameraId?: string | number | null | undefined;
}>;


export type SnapshotQuery = { snapshot: { cameraId: string, seq: number, capturedAt: string, width: number, height: number, mimeType: string, data: string } | null };

export type SettingsFieldsFragment = { paused: boolean, fps: number, activeCameraId: string, quality: number };

export type StreamSettingsQueryVariables = Exact<{ [key: string]: never; }>;


export type StreamSettingsQuery = { stream: { paused: boolean, fps: number, activeCameraId: string, quality: number } };

export type UpdateStreamMutationVariables = Exact<{
  input: StreamSettingsInput;
}>;


export type UpdateStreamMutation = { updateStream: { paused: boolean, fps: number, activeCameraId: string, quality: number } };

export type StreamSettingsChangedSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type StreamSettingsChangedSubscription = { streamSettings: { paused: boolean, fps: number, activeCameraId: string, quality: number } };

export type VideoChunkFieldsFragment = { cameraId: string, seq: number, capturedAt: string, keyframe: boolean, codec: string, description: string | null, width: number, height: number, data: string };

export type VideoSubscriptionVariables = Exact<{
  cameraId?: string | number | null | undefined;
  maxWidth?: number | null | undefined;
  maxFps?: number | null | undefined;
}>;


export type VideoSubscription = { video: { cameraId: string, seq: number, capturedAt: string, keyframe: boolean, codec: string, description: string | null, width: number, height: number, data: string } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const ViewerFieldsFragmentDoc = new TypedDocumentString(`
    fragment ViewerFields on Viewer {
  capabilities
  cameras
  shareLink
  expiresAt
}
    `, {"fragmentName":"ViewerFields"}) as unknown as TypedDocumentString<ViewerFieldsFragment, unknown>;
export const AccessTokenFieldsFragmentDoc = new TypedDocumentString(`
    fragment AccessTokenFields on AccessToken {
  id
  label
  cameras
  capabilities
  createdAt
  expiresAt
  lastUsedAt
}
    `, {"fragmentName":"AccessTokenFields"}) as unknown as TypedDocumentString<AccessTokenFieldsFragment, unknown>;
export const ShareLinkFieldsFragmentDoc = new TypedDocumentString(`
    fragment ShareLinkFields on ShareLink {
  id
  cameraId
  label
  createdAt
  expiresAt
}
    `, {"fragmentName":"ShareLinkFields"}) as unknown as TypedDocumentString<ShareLinkFieldsFragment, unknown>;
export const CameraFieldsFragmentDoc = new TypedDocumentString(`
    fragment CameraFields on Camera {
  id
  label
  status
  error {
    code
    message
    at
  }
  width
  height
  measuredFps
  viewers
  motion
  motionDetection
}
    `, {"fragmentName":"CameraFields"}) as unknown as TypedDocumentString<CameraFieldsFragment, unknown>;
export const MotionEventFieldsFragmentDoc = new TypedDocumentString(`
    fragment MotionEventFields on MotionEvent {
  id
  cameraId
  startedAt
  endedAt
  inProgress
  peakScore
  boxes {
    x
    y
    width
    height
  }
  snapshotUrl
  snapshotWidth
  snapshotHeight
  recording
  recordingError
  clipUrl
  clipMimeType
  clipSeconds
}
    `, {"fragmentName":"MotionEventFields"}) as unknown as TypedDocumentString<MotionEventFieldsFragment, unknown>;
export const FrameFieldsFragmentDoc = new TypedDocumentString(`
    fragment FrameFields on Frame {
  cameraId
  seq
  capturedAt
  width
  height
  mimeType
  data
}
    `, {"fragmentName":"FrameFields"}) as unknown as TypedDocumentString<FrameFieldsFragment, unknown>;
export const SettingsFieldsFragmentDoc = new TypedDocumentString(`
    fragment SettingsFields on StreamSettings {
  paused
  fps
  activeCameraId
  quality
}
    `, {"fragmentName":"SettingsFields"}) as unknown as TypedDocumentString<SettingsFieldsFragment, unknown>;
export const VideoChunkFieldsFragmentDoc = new TypedDocumentString(`
    fragment VideoChunkFields on VideoChunk {
  cameraId
  seq
  capturedAt
  keyframe
  codec
  description
  width
  height
  data
}
    `, {"fragmentName":"VideoChunkFields"}) as unknown as TypedDocumentString<VideoChunkFieldsFragment, unknown>;
export const ViewerDocument = new TypedDocumentString(`
    query Viewer {
  viewer {
    ...ViewerFields
  }
}
    fragment ViewerFields on Viewer {
  capabilities
  cameras
  shareLink
  expiresAt
}`) as unknown as TypedDocumentString<ViewerQuery, ViewerQueryVariables>;
export const AccessTokensDocument = new TypedDocumentString(`
    query AccessTokens {
  accessTokens {
    ...AccessTokenFields
  }
}
    fragment AccessTokenFields on AccessToken {
  id
  label
  cameras
  capabilities
  createdAt
  expiresAt
  lastUsedAt
}`) as unknown as TypedDocumentString<AccessTokensQuery, AccessTokensQueryVariables>;
export const CreateAccessTokenDocument = new TypedDocumentString(`
    mutation CreateAccessToken($input: CreateAccessTokenInput!) {
  createAccessToken(input: $input) {
    token {
      ...AccessTokenFields
    }
    secret
  }
}
    fragment AccessTokenFields on AccessToken {
  id
  label
  cameras
  capabilities
  createdAt
  expiresAt
  lastUsedAt
}`) as unknown as TypedDocumentString<CreateAccessTokenMutation, CreateAccessTokenMutationVariables>;
export const RevokeAccessTokenDocument = new TypedDocumentString(`
    mutation RevokeAccessToken($id: ID!) {
  revokeAccessToken(id: $id) {
    id
  }
}
    `) as unknown as TypedDocumentString<RevokeAccessTokenMutation, RevokeAccessTokenMutationVariables>;
export const ShareLinksDocument = new TypedDocumentString(`
    query ShareLinks {
  shareLinks {
    ...ShareLinkFields
  }
}
    fragment ShareLinkFields on ShareLink {
  id
  cameraId
  label
  createdAt
  expiresAt
}`) as unknown as TypedDocumentString<ShareLinksQuery, ShareLinksQueryVariables>;
export const CreateShareLinkDocument = new TypedDocumentString(`
    mutation CreateShareLink($input: CreateShareLinkInput!) {
  createShareLink(input: $input) {
    link {
      ...ShareLinkFields
    }
    url
  }
}
    fragment ShareLinkFields on ShareLink {
  id
  cameraId
  label
  createdAt
  expiresAt
}`) as unknown as TypedDocumentString<CreateShareLinkMutation, CreateShareLinkMutationVariables>;
export const RevokeShareLinkDocument = new TypedDocumentString(`
    mutation RevokeShareLink($id: ID!) {
  revokeShareLink(id: $id) {
    id
  }
}
    `) as unknown as TypedDocumentString<RevokeShareLinkMutation, RevokeShareLinkMutationVariables>;
export const CamerasDocument = new TypedDocumentString(`
    query Cameras {
  cameras {
    ...CameraFields
  }
}
    fragment CameraFields on Camera {
  id
  label
  status
  error {
    code
    message
    at
  }
  width
  height
  measuredFps
  viewers
  motion
  motionDetection
}`) as unknown as TypedDocumentString<CamerasQuery, CamerasQueryVariables>;
export const CameraStatusChangedDocument = new TypedDocumentString(`
    subscription CameraStatusChanged {
  cameraStatus {
    ...CameraFields
  }
}
    fragment CameraFields on Camera {
  id
  label
  status
  error {
    code
    message
    at
  }
  width
  height
  measuredFps
  viewers
  motion
  motionDetection
}`) as unknown as TypedDocumentString<CameraStatusChangedSubscription, CameraStatusChangedSubscriptionVariables>;
export const EventsDocument = new TypedDocumentString(`
    query Events($cameraId: ID, $since: DateTime, $until: DateTime, $first: Int, $after: String) {
  events(
    cameraId: $cameraId
    since: $since
    until: $until
    first: $first
    after: $after
  ) {
    edges {
      cursor
      node {
        ...MotionEventFields
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
    totalCount
  }
}
    fragment MotionEventFields on MotionEvent {
  id
  cameraId
  startedAt
  endedAt
  inProgress
  peakScore
  boxes {
    x
    y
    width
    height
  }
  snapshotUrl
  snapshotWidth
  snapshotHeight
  recording
  recordingError
  clipUrl
  clipMimeType
  clipSeconds
}`) as unknown as TypedDocumentString<EventsQuery, EventsQueryVariables>;
export const EventDocument = new TypedDocumentString(`
    query Event($id: ID!) {
  event(id: $id) {
    ...MotionEventFields
  }
}
    fragment MotionEventFields on MotionEvent {
  id
  cameraId
  startedAt
  endedAt
  inProgress
  peakScore
  boxes {
    x
    y
    width
    height
  }
  snapshotUrl
  snapshotWidth
  snapshotHeight
  recording
  recordingError
  clipUrl
  clipMimeType
  clipSeconds
}`) as unknown as TypedDocumentString<EventQuery, EventQueryVariables>;
export const MotionEventsDocument = new TypedDocumentString(`
    subscription MotionEvents($cameraId: ID) {
  motionEvents(cameraId: $cameraId) {
    phase
    event {
      ...MotionEventFields
    }
  }
}
    fragment MotionEventFields on MotionEvent {
  id
  cameraId
  startedAt
  endedAt
  inProgress
  peakScore
  boxes {
    x
    y
    width
    height
  }
  snapshotUrl
  snapshotWidth
  snapshotHeight
  recording
  recordingError
  clipUrl
  clipMimeType
  clipSeconds
}`) as unknown as TypedDocumentString<MotionEventsSubscription, MotionEventsSubscriptionVariables>;
export const FramesDocument = new TypedDocumentString(`
    subscription Frames($cameraId: ID, $maxFps: Float, $maxWidth: Int) {
  frames(cameraId: $cameraId, maxFps: $maxFps, maxWidth: $maxWidth) {
    ...FrameFields
  }
}
    fragment FrameFields on Frame {
  cameraId
  seq
  capturedAt
  width
  height
  mimeType
  data
}`) as unknown as TypedDocumentString<FramesSubscription, FramesSubscriptionVariables>;
export const SnapshotDocument = new TypedDocumentString(`
    query Snapshot($cameraId: ID) {
  snapshot(cameraId: $cameraId) {
    ...FrameFields
  }
}
    fragment FrameFields on Frame {
  cameraId
  seq
  capturedAt
  width
  height
  mimeType
  data
}`) as unknown as TypedDocumentString<SnapshotQuery, SnapshotQueryVariables>;
export const StreamSettingsDocument = new TypedDocumentString(`
    query StreamSettings {
  stream {
    ...SettingsFields
  }
}
    fragment SettingsFields on StreamSettings {
  paused
  fps
  activeCameraId
  quality
}`) as unknown as TypedDocumentString<StreamSettingsQuery, StreamSettingsQueryVariables>;
export const UpdateStreamDocument = new TypedDocumentString(`
    mutation UpdateStream($input: StreamSettingsInput!) {
  updateStream(input: $input) {
    ...SettingsFields
  }
}
    fragment SettingsFields on StreamSettings {
  paused
  fps
  activeCameraId
  quality
}`) as unknown as TypedDocumentString<UpdateStreamMutation, UpdateStreamMutationVariables>;
export const StreamSettingsChangedDocument = new TypedDocumentString(`
    subscription StreamSettingsChanged {
  streamSettings {
    ...SettingsFields
  }
}
    fragment SettingsFields on StreamSettings {
  paused
  fps
  activeCameraId
  quality
}`) as unknown as TypedDocumentString<StreamSettingsChangedSubscription, StreamSettingsChangedSubscriptionVariables>;
export const VideoDocument = new TypedDocumentString(`
    subscription Video($cameraId: ID, $maxWidth: Int, $maxFps: Float) {
  video(cameraId: $cameraId, maxWidth: $maxWidth, maxFps: $maxFps) {
    ...VideoChunkFields
  }
}
    fragment VideoChunkFields on VideoChunk {
  cameraId
  seq
  capturedAt
  keyframe
  codec
  description
  width
  height
  data
}`) as unknown as TypedDocumentString<VideoSubscription, VideoSubscriptionVariables>;