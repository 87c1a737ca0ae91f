/**
 * What the audit trail records, and from where: the authenticator's events
 * (failures on every transport, sign-ins, sign-outs: security/auth.ts), the
 * access store's changes (tokens and links created, revoked, expired:
 * access/store.ts, from GraphQL or the `servercam token` command), and
 * `updateStream` (its principal, camera, old and new values).
 *
 * The principal of a token or link change is the change's author
 * (access/store.ts's `AccessChange.by`): the GraphQL caller and its address,
 * `cli` for the command line; an expiry has none. Expiries are looked for
 * every {@link EXPIRY_CHECK_MS} by the server's recorder.
 * @module
 */
import type { StreamSettings } from '@servercam/core';
import { principalName } from '../access/principal.ts';
import type { AccessChange, AccessStore } from '../access/store.ts';
import type { Authenticator, Principal } from '../security/auth.ts';
import type { AuditAction, AuditLog } from './log.ts';

export { principalName };

/** How often the server looks for tokens and links that expired (ms). */
export const EXPIRY_CHECK_MS = 1000;

const ACCESS_ACTIONS: Record<AccessChange['kind'], Record<AccessChange['change'], AuditAction>> = {
  token: { created: 'TOKEN_CREATED', revoked: 'TOKEN_REVOKED', expired: 'TOKEN_EXPIRED' },
  link: { created: 'LINK_CREATED', revoked: 'LINK_REVOKED', expired: 'LINK_EXPIRED' },
};

/** What a recorder listens to: the server gives all three; `servercam token` only its store. */
export interface AuditSources {
  readonly auth?: Authenticator | undefined;
  readonly access?: AccessStore | undefined;
  /** Look for expired tokens and links this often (ms) in `access`; undefined: never (a one-shot command). */
  readonly expiryCheckMs?: number | undefined;
}

export class AuditRecorder implements Disposable {
  readonly log: AuditLog;
  readonly #offs: Array<() => void> = [];

  constructor(log: AuditLog, { auth, access, expiryCheckMs }: AuditSources) {
    this.log = log;
    if (auth) {
      this.#offs.push(auth.onEvent((event) => {
        if (event.kind === 'failed') return log.authFailed(event.address, event.reason);
        log.record({
          action: event.kind === 'signed-in' ? 'SIGN_IN' : 'SIGN_OUT',
          principal: principalName(event.principal.grant),
          address: event.principal.address,
        });
      }));
    }
    if (access) {
      this.#offs.push(access.onChange((change) => this.#accessChanged(change)));
      if (expiryCheckMs !== undefined) {
        const timer = setInterval(() => {
          try {
            access.noteExpiries();
          } catch {
            // The database is closing with the server; the next tick (if any) tries again.
          }
        }, expiryCheckMs);
        (timer as { unref?: () => void }).unref?.();
        this.#offs.push(() => clearInterval(timer));
      }
    }
  }

  /** A settings change through `updateStream`: the fields that changed, from and to. */
  settingsChanged(principal: Principal | undefined, before: StreamSettings, after: StreamSettings): void {
    const changed: Record<string, { from: unknown; to: unknown }> = {};
    for (const key of ['paused', 'fps', 'quality', 'activeCameraId'] as const) {
      if (before[key] !== after[key]) changed[key] = { from: before[key], to: after[key] };
    }
    if (Object.keys(changed).length === 0) return;
    this.log.record({
      action: 'SETTINGS_CHANGED',
      principal: principal ? principalName(principal.grant) : undefined,
      address: principal?.address,
      cameraId: after.activeCameraId,
      detail: JSON.stringify(changed),
    });
  }

  /** Stops listening and writes what is queued (the database is closed by its owner, after this). */
  close(): void {
    for (const off of this.#offs.splice(0)) off();
    this.log.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  #accessChanged(change: AccessChange): void {
    const subject = change.kind === 'token'
      ? { id: change.token.id, label: change.token.label, cameraId: undefined }
      : { id: change.link.id, label: change.link.label, cameraId: change.link.cameraId };
    this.log.record({
      action: ACCESS_ACTIONS[change.kind][change.change],
      principal: change.by?.name,
      address: change.by?.address,
      cameraId: subject.cameraId,
      detail: JSON.stringify({ id: subject.id, label: subject.label }),
    });
  }
}
