/**
 * Time to first picture: how long a new viewer waits, from opening its
 * WebSocket to the first whole picture message (a JPEG frame, or for H.264 a
 * keyframe chunk, which the subscription promises first). Measured "cold"
 * (no one else watches: for H.264 the encoder starts for this viewer) and
 * "warm" (one viewer already watches, so the encoder runs and keeps its GOP).
 * @module
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { sleep } from './harness.ts';
import { FRAMES_QUERY, VIDEO_QUERY } from './queries.ts';

export interface FirstPictureResult {
  readonly transport: 'graphql-ws' | 'video';
  /** ms per viewer, each one alone after the server had no viewer for a while. */
  readonly cold: number[];
  /** ms per viewer, each one joining while another watches. */
  readonly warm: number[];
  /** Whether every H.264 viewer's first chunk was a keyframe (JPEG: always true). */
  readonly startsAtKeyframe: boolean;
  readonly errors: string[];
}

interface Viewer {
  /** Resolves with the ms to the first picture, and whether it was a keyframe. */
  readonly first: Promise<{ ms: number; keyframe: boolean }>;
  close(): void;
}

function openViewer(url: string, transport: 'graphql-ws' | 'video'): Viewer {
  const started = performance.now();
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', { perMessageDeflate: false });
  const first = new Promise<{ ms: number; keyframe: boolean }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${transport}: no picture within 10 s`)), 10_000);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init' })));
    ws.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    ws.on('message', (data: Buffer) => {
      const head = data.toString('latin1', 0, 300);
      if (head.includes('"connection_ack"')) {
        const query = transport === 'video' ? VIDEO_QUERY : FRAMES_QUERY;
        ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables: {} } }));
      } else if (head.includes('"type":"next"')) {
        clearTimeout(timer);
        resolve({ ms: performance.now() - started, keyframe: transport !== 'video' || head.includes('"keyframe":true') });
      } else if (head.includes('"type":"error"')) {
        clearTimeout(timer);
        reject(new Error(`${transport}: ${head}`));
      }
    });
  });
  return { first, close: () => ws.terminate() };
}

/**
 * `viewers` cold and `viewers` warm first pictures of `transport` on the
 * server at `url`, one viewer at a time; `idleMs` of no viewer before each cold one.
 */
export async function timeToFirstPicture(url: string, transport: 'graphql-ws' | 'video', viewers: number, idleMs: number): Promise<FirstPictureResult> {
  const cold: number[] = [];
  const warm: number[] = [];
  const errors: string[] = [];
  let startsAtKeyframe = true;
  const measure = async (into: number[]): Promise<void> => {
    const viewer = openViewer(url, transport);
    try {
      const { ms, keyframe } = await viewer.first;
      into.push(ms);
      startsAtKeyframe &&= keyframe;
    } catch (error) {
      errors.push((error as Error).message);
    } finally {
      viewer.close();
    }
  };
  for (let i = 0; i < viewers; i++) {
    await sleep(idleMs);
    await measure(cold);
  }
  const watcher = openViewer(url, transport);
  try {
    await watcher.first;
    for (let i = 0; i < viewers; i++) {
      // Spread over the GOP: a joiner's wait must not depend on where the keyframe is.
      await sleep(137 + 211 * i);
      await measure(warm);
    }
  } catch (error) {
    errors.push((error as Error).message);
  } finally {
    watcher.close();
  }
  return { transport, cold, warm, startsAtKeyframe, errors };
}
