/**
 * A WebSocket peer that resets its connection while the server writes to it
 * is not an internal error: through `quietSendsToGonePeer` (which the Node
 * adapter puts on every graphql-ws socket) the send calls back with no error,
 * so graphql-ws's `useServer` does not log "Internal error occurred during
 * message handling" with a stack trace. On real sockets.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { isGonePeer, quietSendsToGonePeer } from '../src/adapters/ws-gone-peer.ts';

describe('a WebSocket peer that resets its connection', () => {
  /** A server-side socket whose client resets at once, and the errors of 200 sends of 64 KiB to it, one a tick. */
  async function sendsAfterReset(wrap: (ws: WebSocket) => WebSocket): Promise<{ errors: unknown[]; sent: number }> {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    try {
      await once(wss, 'listening');
      const { port } = wss.address() as AddressInfo;
      const accepted = once(wss, 'connection') as Promise<[WebSocket]>;
      const client = new WebSocket(`ws://127.0.0.1:${port}`);
      client.on('error', () => {});
      const [server] = await accepted;
      server.on('error', () => {});
      const ws = wrap(server);
      const payload = Buffer.alloc(64 * 1024, 1);
      // Unread data in the client's receive buffer makes its close a reset.
      await new Promise<void>((resolve) => ws.send(payload, () => resolve()));
      client.terminate();
      const errors: unknown[] = [];
      let sent = 0;
      for (let i = 0; i < 200 && ws.readyState === ws.OPEN; i++) {
        await new Promise<void>((resolve) => ws.send(payload, (error) => {
          if (error) errors.push(error);
          resolve();
        }));
        sent++;
      }
      return { errors, sent };
    } finally {
      wss.close();
    }
  }

  it('gives the send a gone-peer error without the wrapper (the case is real here)', async () => {
    const { errors } = await sendsAfterReset((ws) => ws);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every(isGonePeer)).toBe(true);
  });

  it('calls the send back with no error through quietSendsToGonePeer', async () => {
    const { errors, sent } = await sendsAfterReset(quietSendsToGonePeer);
    // The socket closed before the 200th send: the reset did happen.
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(200);
    expect(errors).toEqual([]);
  });

  it('counts a reset, a broken pipe and a destroyed stream as a gone peer, and nothing else', () => {
    for (const code of ['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END']) {
      expect(isGonePeer(Object.assign(new Error(code), { code }))).toBe(true);
    }
    for (const error of [new Error('boom'), Object.assign(new Error('x'), { code: 'ENOMEM' }), null, undefined, 'ECONNRESET', { code: 42 }]) {
      expect(isGonePeer(error)).toBe(false);
    }
  });
});
