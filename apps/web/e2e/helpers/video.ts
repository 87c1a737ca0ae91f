/**
 * What the H.264 tests measure of a page: the bytes its WebSockets receive,
 * what its graphql-ws subscriptions did on the wire, and the overlay's figures.
 * @module
 */
import type { Page } from 'playwright-core';
import { stage } from './browser.ts';

/** What a page's graphql-ws messages did for one subscription operation (`Video`, `Frames`…). */
export interface OperationTraffic {
  /** `subscribe` messages the page sent. */
  subscribed: number;
  /** `complete` messages the page sent: it stopped the subscription. */
  completed: number;
  /** `next` results the page received. */
  results: number;
}

/** A graphql-ws message's type and id, or null for anything else. */
function message(payload: string | Buffer): { type: string; id?: string; query?: string } | null {
  if (typeof payload !== 'string') return null;
  try {
    const parsed = JSON.parse(payload) as { type?: unknown; id?: unknown; payload?: { query?: unknown } };
    if (typeof parsed.type !== 'string') return null;
    return {
      type: parsed.type,
      ...(typeof parsed.id === 'string' ? { id: parsed.id } : {}),
      ...(typeof parsed.payload?.query === 'string' ? { query: parsed.payload.query } : {}),
    };
  } catch {
    return null;
  }
}

/**
 * Counts the bytes of every WebSocket message a page receives, and its
 * graphql-ws subscriptions by operation name; attach it before the page loads.
 */
export class WireMeter {
  #bytes = 0;
  #since = Date.now();
  /** The operation name of each subscription id the page sent. */
  readonly #operations = new Map<string, string>();
  readonly #traffic: Record<string, OperationTraffic> = {};

  /** Counts what `page` sends and receives from now on. */
  attach(page: Page): void {
    page.on('websocket', (socket) => {
      socket.on('framesent', ({ payload }) => this.#sent(payload));
      socket.on('framereceived', ({ payload }) => {
        this.#bytes += typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
        const received = message(payload);
        if (received?.type === 'next' && received.id !== undefined) this.#count(received.id, 'results');
      });
    });
  }

  /** What each subscription operation did so far, by operation name (a copy). */
  traffic(): Record<string, OperationTraffic> {
    return structuredClone(this.#traffic);
  }

  /** Starts counting afresh. */
  start(): void {
    this.#bytes = 0;
    this.#since = Date.now();
  }

  /** Bytes received per second since `start()`. */
  bytesPerSecond(): number {
    const seconds = (Date.now() - this.#since) / 1000;
    return seconds > 0 ? this.#bytes / seconds : 0;
  }

  #sent(payload: string | Buffer): void {
    const sent = message(payload);
    if (sent?.id === undefined) return;
    if (sent.type === 'subscribe') {
      const name = /\bsubscription\s+(\w+)/.exec(sent.query ?? '')?.[1];
      if (name === undefined) return;
      this.#operations.set(sent.id, name);
      this.#count(sent.id, 'subscribed');
    } else if (sent.type === 'complete') {
      this.#count(sent.id, 'completed');
    }
  }

  #count(id: string, what: keyof OperationTraffic): void {
    const name = this.#operations.get(id);
    if (name === undefined) return;
    this.#traffic[name] ??= { subscribed: 0, completed: 0, results: 0 };
    this.#traffic[name][what]++;
  }
}

/** The overlay's figure named `name` ("Format", "Data", "Latency"…). */
export async function figure(page: Page, name: string): Promise<string | null> {
  return stage(page).locator('.stats div').filter({ has: page.locator('dt', { hasText: name }) }).locator('dd').textContent();
}
