/**
 * A gateway's settings commands in flight (bus/redis-gateway.ts): each
 * `update` is published to the capture node and waits, at most
 * `timeoutMs`, for its answer on the gateway's reply channel.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode, InvalidSettings, type StreamSettings, type StreamSettingsPatch } from '@servercam/core';
import { BusUnavailable } from './bus.ts';
import type { UpdateCommand, UpdateReply } from './redis-protocol.ts';

interface Pending {
  resolve(settings: StreamSettings): void;
  reject(error: Error): void;
  readonly timer: NodeJS.Timeout;
}

export class PendingCommands {
  readonly #pending = new Map<string, Pending>();
  readonly #gateway: string;
  readonly #timeoutMs: number;

  constructor(gateway: string, timeoutMs: number) {
    this.#gateway = gateway;
    this.#timeoutMs = timeoutMs;
  }

  /** Sends `patch` through `publish`; resolves with the capture node's settings, or rejects with its error. */
  send(patch: StreamSettingsPatch, publish: (command: UpdateCommand) => Promise<unknown>): Promise<StreamSettings> {
    const id = randomUUID();
    return new Promise<StreamSettings>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new BusUnavailable(`The capture node did not answer within ${this.#timeoutMs / 1000} s: the settings may not have changed`));
      }, this.#timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      publish({ type: 'update', id, gateway: this.#gateway, patch }).catch((error: unknown) => {
        clearTimeout(timer);
        this.#pending.delete(id);
        reject(new BusUnavailable(`Redis is unreachable: ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
      });
    });
  }

  /** Settles the command `reply` answers; returns the settings it carries, to adopt, if it was ours. */
  settle(reply: UpdateReply): StreamSettings | undefined {
    const pending = this.#pending.get(reply.id);
    if (!pending) return undefined;
    this.#pending.delete(reply.id);
    clearTimeout(pending.timer);
    if (reply.settings) {
      pending.resolve(reply.settings);
      return reply.settings;
    }
    if (reply.error?.code === ErrorCode.InvalidSettings) pending.reject(new InvalidSettings(reply.error.field ?? '', reply.error.message));
    else pending.reject(new Error(reply.error?.message ?? 'The capture node refused the change'));
    return undefined;
  }

  /** Rejects every command still waiting. */
  rejectAll(error: Error): void {
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(error);
      this.#pending.delete(id);
    }
  }
}
