/**
 * Test stand-ins for WebCodecs (a decoder stepped by hand and the frames it
 * outputs) and a chunk of the `video` subscription, shared by the player's
 * tests. Real decoding is tested in Chromium (e2e/video.e2e.ts).
 * @module
 */
import type { PlayableChunk } from './chunk.ts';
import type { Decoder, DecoderConfig, EncodedChunkInit } from './h264-player.ts';

/** A decoded frame that remembers whether it was closed. */
export class TestFrame {
  closed = false;
  constructor(readonly timestamp: number) {}
  close(): void {
    this.closed = true;
  }
}

/** A decoder the test steps by hand: it records what it is given and outputs or fails on demand. */
export class TestDecoder implements Decoder<EncodedChunkInit> {
  state: 'unconfigured' | 'configured' | 'closed' = 'unconfigured';
  readonly configs: DecoderConfig[] = [];
  readonly queue: EncodedChunkInit[] = [];
  readonly decoded: EncodedChunkInit[] = [];
  constructor(
    readonly output: (frame: TestFrame) => void,
    readonly error: (error: Error) => void,
  ) {}
  get decodeQueueSize(): number {
    return this.queue.length;
  }
  configure(config: DecoderConfig): void {
    if (this.state === 'closed') throw new DOMException('closed', 'InvalidStateError');
    this.state = 'configured';
    this.configs.push(config);
  }
  decode(chunk: EncodedChunkInit): void {
    if (this.state !== 'configured') throw new DOMException('not configured', 'InvalidStateError');
    this.queue.push(chunk);
    this.decoded.push(chunk);
  }
  close(): void {
    this.state = 'closed';
  }
  /** Outputs the oldest queued chunk as a frame. */
  finish(): TestFrame {
    const chunk = this.queue.shift();
    if (!chunk) throw new Error('nothing to decode');
    const frame = new TestFrame(chunk.timestamp);
    this.output(frame);
    return frame;
  }
  /** Fails as a real decoder does: closed, then the error callback. */
  fail(): void {
    this.state = 'closed';
    this.queue.length = 0;
    this.error(new DOMException('Decoding error.', 'EncodingError'));
  }
}

const AVCC = btoa('\x01\x64\x00\x1f\xff\xe1');
/** The chunk of `seq`, captured at 00:00:00.9xx; keyframes carry the `avcC`. */
export function chunk(seq: number, keyframe = false, overrides: Partial<PlayableChunk> = {}): PlayableChunk {
  return {
    cameraId: 'cam',
    seq,
    capturedAt: `2026-01-01T00:00:00.${String(900 + seq).padStart(3, '0')}Z`,
    keyframe,
    codec: 'avc1.64001f',
    description: keyframe ? AVCC : null,
    width: 1280,
    height: 720,
    data: btoa(`frame ${seq}`),
    ...overrides,
  };
}
