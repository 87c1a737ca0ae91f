import { MessageChannel } from 'node:worker_threads';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { transferableCopy } from '../src/capture/transfer.ts';

describe('transferableCopy', () => {
  it('gives a buffer that postMessage really transfers (detaches), unlike a native Buffer', async () => {
    const jpeg = await sharp({ create: { width: 32, height: 24, channels: 3, background: '#246' } }).jpeg().toBuffer();
    const { port1, port2 } = new MessageChannel();
    try {
      // Native Buffers are untransferable: Node 20 clones them silently, Node 24 throws DataCloneError.
      try {
        port1.postMessage(jpeg.buffer, [jpeg.buffer]);
      } catch (error) {
        expect((error as Error).name).toBe('DataCloneError');
      }
      expect(jpeg.buffer.byteLength).toBeGreaterThan(0); // not moved
      const copy = transferableCopy(jpeg);
      expect(new Uint8Array(copy)).toEqual(new Uint8Array(jpeg));
      port1.postMessage(copy, [copy]);
      expect(copy.byteLength).toBe(0); // moved
    } finally {
      port1.close();
      port2.close();
    }
  });
});
