/**
 * What the H.264 tests measure of a page: the bytes its WebSockets receive,
 * and the overlay's figures.
 * @module
 */
import type { Page } from 'playwright-core';
import { stage } from './browser.ts';

/** Counts the bytes of every WebSocket message a page receives; attach it before the page loads. */
export class WireMeter {
  #bytes = 0;
  #since = Date.now();

  /** Counts what `page` receives from now on. */
  attach(page: Page): void {
    page.on('websocket', (socket) => {
      socket.on('framereceived', ({ payload }) => {
        this.#bytes += typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
      });
    });
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
}

/** The overlay's figure named `name` ("Format", "Data", "Latency"…). */
export async function figure(page: Page, name: string): Promise<string | null> {
  return stage(page).locator('.stats div').filter({ has: page.locator('dt', { hasText: name }) }).locator('dd').textContent();
}
