/**
 * The shared stream settings as this browser shows them: the server's values
 * (from `stream`, `updateStream` and the `streamSettings` subscription), with
 * this viewer's changes shown at once while they are on their way, and the
 * server's message next to a control whose change it rejected.
 * @module
 */
import type { SettingsFieldsFragment, StreamSettingsInput } from '@servercam/schema/client';
import { OperationError } from '../graphql/errors.ts';

export type Settings = SettingsFieldsFragment;
export type SettingField = keyof Settings;
export type SettingsPatch = Partial<Settings>;

export class SettingsModel {
  /** The server's settings; null until the first answer. */
  server = $state<Settings | null>(null);
  /** This viewer's changes that the server has not answered yet. */
  drafts = $state<SettingsPatch>({});
  /** The server's message for the last rejected change of each field. */
  errors = $state<Partial<Record<SettingField, string>>>({});
  /** What the controls show: the server's settings with pending changes on top. */
  readonly current: Settings | null = $derived(this.server ? { ...this.server, ...this.drafts } : null);

  #requests = 0;
  readonly #latest = new Map<SettingField, number>();

  /** Takes the server's settings (every viewer's changes arrive here). */
  applyServer(settings: Settings): void {
    this.server = { paused: settings.paused, fps: settings.fps, activeCameraId: settings.activeCameraId, quality: settings.quality };
  }

  /** Whether a change of `field` is on its way to the server. */
  pending(field: SettingField): boolean {
    return this.#latest.has(field) && field in this.drafts;
  }

  /**
   * Sends a change through `send` (the `updateStream` mutation). Resolves true
   * when the server took it; on a rejection the draft is dropped, the control
   * shows the server's value again and the message is kept for the field.
   */
  async change(patch: SettingsPatch, send: (input: StreamSettingsInput) => Promise<Settings>): Promise<boolean> {
    const fields = Object.keys(patch) as SettingField[];
    const request = ++this.#requests;
    for (const field of fields) {
      this.#latest.set(field, request);
      delete this.errors[field];
    }
    Object.assign(this.drafts, patch);
    const isLatest = (field: SettingField) => this.#latest.get(field) === request;
    try {
      this.applyServer(await send({ ...patch }));
      return true;
    } catch (error) {
      const message = OperationError.from(error).message;
      for (const field of fields) if (isLatest(field)) this.errors[field] = message;
      return false;
    } finally {
      for (const field of fields) {
        if (!isLatest(field)) continue;
        this.#latest.delete(field);
        delete this.drafts[field];
      }
    }
  }

  clearError(field: SettingField): void {
    delete this.errors[field];
  }
}
