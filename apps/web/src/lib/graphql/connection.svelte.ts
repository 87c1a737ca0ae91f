/**
 * The state of the connection to the server, as the UI shows it.
 * @module
 */

export type ConnectionPhase =
  /** Connecting for the first time. */
  | 'connecting'
  /** Connected: subscriptions flow. */
  | 'connected'
  /** The connection was lost (or never made): retrying with backoff. */
  | 'reconnecting';

export class ConnectionState {
  phase = $state<ConnectionPhase>('connecting');
  /** Failed attempts since the last successful connection. */
  attempt = $state(0);
  /** When the next attempt starts (epoch ms), while waiting for it. */
  retryAt = $state<number | null>(null);
  /** Why the last connection ended or failed. */
  lastError = $state<string | null>(null);
  /** Whether the server has been reached at least once. */
  connectedOnce = $state(false);

  get online(): boolean {
    return this.phase === 'connected';
  }
}
