/**
 * What the audit trail records, and from where: the authenticator's events
 * (failures on every transport, sign-ins, sign-outs: security/auth.ts), the
 * access store's changes (tokens and links created, revoked, expired:
 * access/store.ts, from GraphQL or the `servercam token` command), and
 * `updateStream` (its principal, camera, old and new values).
 *
 * The principal of a token or link change made through GraphQL is the
 * caller ({@link AuditRecorder.as}); one made by the CLI or noticed as an
 * expiry has none.
 * @module
 */
import type { StreamSettings } from '@servercam/core';
import { grantKey, type Grant } from '../access/principal.ts';
import type { AccessChange, AccessStore } from '../access/store.ts';
import type { Authenticator, Principal } from '../security/auth.ts';
import type { AuditAction, AuditLog } from './log.ts';

/** A principal's name in the log: `role:operator`, `token:<id>`, `link:<id>`, `open` (auth off). Never a secret. */
export function principalName(grant: Grant): string {
  return grant.kind === 'open' ? 'open' : grantKey(grant);
}

const ACCESS_ACTIONS: Record<AccessChange['kind'], Record<AccessChange['change'], AuditAction>> = {
  token: { created: 'TOKEN_CREATED', revoked: 'TOKEN_REVOKED', expired: 'TOKEN_EXPIRED' },
  link: { created: 'LINK_CREATED', revoked: 'LINK_REVOKED', expired: 'LINK_EXPIRED' },
};

export class AuditRecorder {
  readonly log: AuditLog;
  #actor: Principal | undefined;
  readonly #offs: Array<() => void> = [];

  constructor(log: AuditLog, auth: Authenticator, access: AccessStore) {
    this.log = log;
    this.#offs.push(
      auth.onEvent((event) => {
        if (event.kind === 'failed') return log.authFailed(event.address, event.reason);
        log.record({
          action: event.kind === 'signed-in' ? 'SIGN_IN' : 'SIGN_OUT',
          principal: principalName(event.principal.grant),
          address: event.principal.address,
        });
      }),
      access.onChange((change) => this.#accessChanged(change)),
    );
  }

  /** Runs `change` (a token or link mutation) with `principal` named as its author. */
  as<T>(principal: Principal | undefined, change: () => T): T {
    const previous = this.#actor;
    this.#actor = principal;
    try {
      return change();
    } finally {
      this.#actor = previous;
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

  close(): void {
    for (const off of this.#offs.splice(0)) off();
    this.log.close();
  }

  #accessChanged(change: AccessChange): void {
    const actor = this.#actor;
    const subject = change.kind === 'token'
      ? { id: change.token.id, label: change.token.label, cameraId: undefined }
      : { id: change.link.id, label: change.link.label, cameraId: change.link.cameraId };
    this.log.record({
      action: ACCESS_ACTIONS[change.kind][change.change],
      principal: actor ? principalName(actor.grant) : undefined,
      address: actor?.address,
      cameraId: subject.cameraId,
      detail: JSON.stringify({ id: subject.id, label: subject.label }),
    });
  }
}
