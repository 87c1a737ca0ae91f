/**
 * The configured cameras with their status, kept current by the `cameras`
 * query and the `cameraStatus` subscription.
 * @module
 */
import type { CameraFieldsFragment } from '@servercam/schema/client';

export type Camera = CameraFieldsFragment;

export class CameraList {
  list = $state<Camera[]>([]);
  /** Whether the list has been loaded from the server at least once. */
  loaded = $state(false);

  /** Replaces the list (a fresh `cameras` query). */
  replace(cameras: readonly Camera[]): void {
    this.list = cameras.map(copyCamera);
    this.loaded = true;
  }

  /** Updates one camera (a `cameraStatus` event); an unknown one is appended. */
  upsert(camera: Camera): void {
    const index = this.list.findIndex((known) => known.id === camera.id);
    if (index === -1) this.list.push(copyCamera(camera));
    else this.list[index] = copyCamera(camera);
  }

  get(id: string | null | undefined): Camera | undefined {
    return id == null ? undefined : this.list.find((camera) => camera.id === id);
  }
}

/** A camera detached from the GraphQL result it came in (its error too). */
export function copyCamera(camera: Camera): Camera {
  return { ...camera, error: camera.error ? { ...camera.error } : null };
}
