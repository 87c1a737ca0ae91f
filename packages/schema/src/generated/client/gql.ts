/* eslint-disable */
import * as types from './graphql.js';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "fragment CameraFields on Camera {\n  id\n  label\n  status\n  error {\n    code\n    message\n    at\n  }\n  width\n  height\n  measuredFps\n  viewers\n  motion\n  motionDetection\n}\n\nquery Cameras {\n  cameras {\n    ...CameraFields\n  }\n}\n\nsubscription CameraStatusChanged {\n  cameraStatus {\n    ...CameraFields\n  }\n}": typeof types.CameraFieldsFragmentDoc,
    "fragment MotionEventFields on MotionEvent {\n  id\n  cameraId\n  startedAt\n  endedAt\n  inProgress\n  peakScore\n  boxes {\n    x\n    y\n    width\n    height\n  }\n  snapshotUrl\n  snapshotWidth\n  snapshotHeight\n  recording\n  recordingError\n  clipUrl\n  clipMimeType\n  clipSeconds\n}\n\nquery Events($cameraId: ID, $since: DateTime, $until: DateTime, $first: Int, $after: String) {\n  events(\n    cameraId: $cameraId\n    since: $since\n    until: $until\n    first: $first\n    after: $after\n  ) {\n    edges {\n      cursor\n      node {\n        ...MotionEventFields\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    totalCount\n  }\n}\n\nquery Event($id: ID!) {\n  event(id: $id) {\n    ...MotionEventFields\n  }\n}\n\nsubscription MotionEvents($cameraId: ID) {\n  motionEvents(cameraId: $cameraId) {\n    phase\n    event {\n      ...MotionEventFields\n    }\n  }\n}": typeof types.MotionEventFieldsFragmentDoc,
    "fragment FrameFields on Frame {\n  cameraId\n  seq\n  capturedAt\n  width\n  height\n  mimeType\n  data\n}\n\nsubscription Frames($cameraId: ID, $maxFps: Float, $maxWidth: Int) {\n  frames(cameraId: $cameraId, maxFps: $maxFps, maxWidth: $maxWidth) {\n    ...FrameFields\n  }\n}\n\nquery Snapshot($cameraId: ID) {\n  snapshot(cameraId: $cameraId) {\n    ...FrameFields\n  }\n}": typeof types.FrameFieldsFragmentDoc,
    "fragment SettingsFields on StreamSettings {\n  paused\n  fps\n  activeCameraId\n  quality\n}\n\nquery StreamSettings {\n  stream {\n    ...SettingsFields\n  }\n}\n\nmutation UpdateStream($input: StreamSettingsInput!) {\n  updateStream(input: $input) {\n    ...SettingsFields\n  }\n}\n\nsubscription StreamSettingsChanged {\n  streamSettings {\n    ...SettingsFields\n  }\n}": typeof types.SettingsFieldsFragmentDoc,
    "fragment VideoChunkFields on VideoChunk {\n  cameraId\n  seq\n  capturedAt\n  keyframe\n  codec\n  description\n  width\n  height\n  data\n}\n\nsubscription Video($cameraId: ID, $maxWidth: Int, $maxFps: Float) {\n  video(cameraId: $cameraId, maxWidth: $maxWidth, maxFps: $maxFps) {\n    ...VideoChunkFields\n  }\n}": typeof types.VideoChunkFieldsFragmentDoc,
};
const documents: Documents = {
    "fragment CameraFields on Camera {\n  id\n  label\n  status\n  error {\n    code\n    message\n    at\n  }\n  width\n  height\n  measuredFps\n  viewers\n  motion\n  motionDetection\n}\n\nquery Cameras {\n  cameras {\n    ...CameraFields\n  }\n}\n\nsubscription CameraStatusChanged {\n  cameraStatus {\n    ...CameraFields\n  }\n}": types.CameraFieldsFragmentDoc,
    "fragment MotionEventFields on MotionEvent {\n  id\n  cameraId\n  startedAt\n  endedAt\n  inProgress\n  peakScore\n  boxes {\n    x\n    y\n    width\n    height\n  }\n  snapshotUrl\n  snapshotWidth\n  snapshotHeight\n  recording\n  recordingError\n  clipUrl\n  clipMimeType\n  clipSeconds\n}\n\nquery Events($cameraId: ID, $since: DateTime, $until: DateTime, $first: Int, $after: String) {\n  events(\n    cameraId: $cameraId\n    since: $since\n    until: $until\n    first: $first\n    after: $after\n  ) {\n    edges {\n      cursor\n      node {\n        ...MotionEventFields\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    totalCount\n  }\n}\n\nquery Event($id: ID!) {\n  event(id: $id) {\n    ...MotionEventFields\n  }\n}\n\nsubscription MotionEvents($cameraId: ID) {\n  motionEvents(cameraId: $cameraId) {\n    phase\n    event {\n      ...MotionEventFields\n    }\n  }\n}": types.MotionEventFieldsFragmentDoc,
    "fragment FrameFields on Frame {\n  cameraId\n  seq\n  capturedAt\n  width\n  height\n  mimeType\n  data\n}\n\nsubscription Frames($cameraId: ID, $maxFps: Float, $maxWidth: Int) {\n  frames(cameraId: $cameraId, maxFps: $maxFps, maxWidth: $maxWidth) {\n    ...FrameFields\n  }\n}\n\nquery Snapshot($cameraId: ID) {\n  snapshot(cameraId: $cameraId) {\n    ...FrameFields\n  }\n}": types.FrameFieldsFragmentDoc,
    "fragment SettingsFields on StreamSettings {\n  paused\n  fps\n  activeCameraId\n  quality\n}\n\nquery StreamSettings {\n  stream {\n    ...SettingsFields\n  }\n}\n\nmutation UpdateStream($input: StreamSettingsInput!) {\n  updateStream(input: $input) {\n    ...SettingsFields\n  }\n}\n\nsubscription StreamSettingsChanged {\n  streamSettings {\n    ...SettingsFields\n  }\n}": types.SettingsFieldsFragmentDoc,
    "fragment VideoChunkFields on VideoChunk {\n  cameraId\n  seq\n  capturedAt\n  keyframe\n  codec\n  description\n  width\n  height\n  data\n}\n\nsubscription Video($cameraId: ID, $maxWidth: Int, $maxFps: Float) {\n  video(cameraId: $cameraId, maxWidth: $maxWidth, maxFps: $maxFps) {\n    ...VideoChunkFields\n  }\n}": types.VideoChunkFieldsFragmentDoc,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment CameraFields on Camera {\n  id\n  label\n  status\n  error {\n    code\n    message\n    at\n  }\n  width\n  height\n  measuredFps\n  viewers\n  motion\n  motionDetection\n}\n\nquery Cameras {\n  cameras {\n    ...CameraFields\n  }\n}\n\nsubscription CameraStatusChanged {\n  cameraStatus {\n    ...CameraFields\n  }\n}"): typeof import('./graphql.js').CameraFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment MotionEventFields on MotionEvent {\n  id\n  cameraId\n  startedAt\n  endedAt\n  inProgress\n  peakScore\n  boxes {\n    x\n    y\n    width\n    height\n  }\n  snapshotUrl\n  snapshotWidth\n  snapshotHeight\n  recording\n  recordingError\n  clipUrl\n  clipMimeType\n  clipSeconds\n}\n\nquery Events($cameraId: ID, $since: DateTime, $until: DateTime, $first: Int, $after: String) {\n  events(\n    cameraId: $cameraId\n    since: $since\n    until: $until\n    first: $first\n    after: $after\n  ) {\n    edges {\n      cursor\n      node {\n        ...MotionEventFields\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    totalCount\n  }\n}\n\nquery Event($id: ID!) {\n  event(id: $id) {\n    ...MotionEventFields\n  }\n}\n\nsubscription MotionEvents($cameraId: ID) {\n  motionEvents(cameraId: $cameraId) {\n    phase\n    event {\n      ...MotionEventFields\n    }\n  }\n}"): typeof import('./graphql.js').MotionEventFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment FrameFields on Frame {\n  cameraId\n  seq\n  capturedAt\n  width\n  height\n  mimeType\n  data\n}\n\nsubscription Frames($cameraId: ID, $maxFps: Float, $maxWidth: Int) {\n  frames(cameraId: $cameraId, maxFps: $maxFps, maxWidth: $maxWidth) {\n    ...FrameFields\n  }\n}\n\nquery Snapshot($cameraId: ID) {\n  snapshot(cameraId: $cameraId) {\n    ...FrameFields\n  }\n}"): typeof import('./graphql.js').FrameFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment SettingsFields on StreamSettings {\n  paused\n  fps\n  activeCameraId\n  quality\n}\n\nquery StreamSettings {\n  stream {\n    ...SettingsFields\n  }\n}\n\nmutation UpdateStream($input: StreamSettingsInput!) {\n  updateStream(input: $input) {\n    ...SettingsFields\n  }\n}\n\nsubscription StreamSettingsChanged {\n  streamSettings {\n    ...SettingsFields\n  }\n}"): typeof import('./graphql.js').SettingsFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment VideoChunkFields on VideoChunk {\n  cameraId\n  seq\n  capturedAt\n  keyframe\n  codec\n  description\n  width\n  height\n  data\n}\n\nsubscription Video($cameraId: ID, $maxWidth: Int, $maxFps: Float) {\n  video(cameraId: $cameraId, maxWidth: $maxWidth, maxFps: $maxFps) {\n    ...VideoChunkFields\n  }\n}"): typeof import('./graphql.js').VideoChunkFieldsFragmentDoc;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
