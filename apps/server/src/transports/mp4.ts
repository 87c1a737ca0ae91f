/**
 * `GET /cameras/:id/stream.mp4`: the camera's H.264 as live fragmented MP4,
 * for a `<video>` element, VLC or ffplay. The response starts with the init
 * segment, then fragments from the current GOP's keyframe on (video/fmp4.ts,
 * mediabunny). `?maxWidth=` and `?maxFps=` choose the variant, as for MJPEG.
 *
 * Each client has its own muxer (its timestamps start at its first keyframe);
 * the encode is the core's, one per variant for every consumer. A client whose
 * socket is full is not read from: the body holds at most `HIGH_WATER_BYTES`,
 * and meanwhile the core skips its chunks up to the next keyframe (counted).
 *
 * The stream ends when the camera's video fails (the encoder missing or
 * crashing: the body ends, logged by the caller's status), when the picture
 * changes size or codec (one MP4 track cannot; a player reconnects), and on
 * shutdown.
 * @module
 */
import type { FrameBus } from '../bus/bus.ts';
import type { CameraDirectory } from '../cameras.ts';
import type { Logger } from '../logger.ts';
import type { TransportMeter } from '../metrics/transport-meter.ts';
import { errorResponse, startStream } from '../routes/http.ts';
import type { Subscriptions } from '../subscriptions.ts';
import type { VideoChunk } from '@servercam/core';
import { VideoFailure } from '../video/feed.ts';
import { Fmp4Stream } from '../video/fmp4.ts';

/** How long a request waits for its first chunk before the response starts anyway (a paused camera sends none). */
const FIRST_CHUNK_WAIT_MS = 3000;

/** `promise`'s outcome if it settles within `ms`, else undefined (and the timer is gone either way). */
async function settledWithin<T>(promise: Promise<T>, ms: number): Promise<{ value?: T; error?: unknown } | undefined> {
  let expire: () => void = () => {};
  const timeout = new Promise<undefined>((resolve) => (expire = () => resolve(undefined)));
  const timer = setTimeout(expire, ms);
  try {
    return await Promise.race([promise.then((value) => ({ value }), (error: unknown) => ({ error: error ?? new Error('failed') })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Bytes a client's body may hold before its chunks are skipped (about a GOP at the default rates). */
const HIGH_WATER_BYTES = 512 * 1024;

type State = 'running' | 'cancelled' | 'shutdown';

/** What the pump of one client's MP4 asks of its response. */
interface Client {
  state(): State;
  /** Resolves when the client reads (or the stream stops). */
  waitForRead(): Promise<void>;
  /** Counts the chunks the core skipped for this client since last time (the transport meter's `dropped`). */
  countDropped(): void;
}

export interface Mp4Stats {
  readonly clients: number;
  /** Chunks muxed into some client's MP4. */
  readonly chunksSent: number;
  /** Chunks skipped for slow clients (each skip runs to the next keyframe). */
  readonly chunksDropped: number;
  /** MP4 bytes written to clients. */
  readonly bytesSent: number;
}

export class Mp4Streams {
  readonly #stream: FrameBus;
  readonly #cameras: CameraDirectory;
  readonly #subscriptions: Subscriptions;
  readonly #logger: Logger;
  readonly #meter: TransportMeter | undefined;
  #clients = 0;
  #sent = 0;
  #dropped = 0;
  #bytes = 0;

  constructor(stream: FrameBus, cameras: CameraDirectory, subscriptions: Subscriptions, logger: Logger, meter?: TransportMeter) {
    this.#stream = stream;
    this.#cameras = cameras;
    this.#subscriptions = subscriptions;
    this.#logger = logger;
    this.#meter = meter;
  }

  stats(): Mp4Stats {
    return { clients: this.#clients, chunksSent: this.#sent, chunksDropped: this.#dropped, bytesSent: this.#bytes };
  }

  /**
   * The MP4 response. It waits (at most {@link FIRST_CHUNK_WAIT_MS}) for the
   * first chunk: when the camera's video fails at once (no encoder), the answer
   * is 503 with the core's `code`, which a player shows, rather than an empty file.
   */
  async respond(request: Request, cameraId: string): Promise<Response> {
    const start = startStream(request, cameraId, this.#cameras, 'video/mp4');
    if (start instanceof Response) return start;
    const { variant, headers } = start;

    const controller = new AbortController();
    let chunks: AsyncIterableIterator<VideoChunk> & { readonly dropped: number };
    try {
      chunks = this.#stream.video({ cameraId, ...variant, signal: controller.signal });
    } catch (error) {
      if (error instanceof RangeError || error instanceof TypeError) return errorResponse(400, error.message);
      throw error;
    }
    const pending = chunks.next();
    const early = await settledWithin(pending, FIRST_CHUNK_WAIT_MS);
    if (early?.error !== undefined) {
      controller.abort();
      await chunks.return?.();
      const failure = VideoFailure.of(early.error);
      return Response.json({ error: failure.message, code: failure.code }, { status: 503, headers: { 'Cache-Control': 'no-store', 'Retry-After': '5' } });
    }
    let state: State = 'running';
    let wake: (() => void) | undefined;
    /** The client went (`cancelled`) or the server shuts down (`shutdown`). */
    const stop = (why: Exclude<State, 'running'>): void => {
      if (state !== 'running') return;
      state = why;
      controller.abort();
      wake?.();
    };
    const body = new ReadableStream<Uint8Array>(
      {
        start: (body) => {
          this.#clients++;
          const viewer = this.#meter?.open('mp4', cameraId);
          const release = this.#subscriptions.hold(() => stop('shutdown'));
          const mp4 = new Fmp4Stream((bytes) => {
            if (state === 'cancelled') return;
            this.#bytes += bytes.byteLength;
            viewer?.sent(bytes.byteLength);
            body.enqueue(bytes);
          });
          /** The core's skips for this client, as far as the meter has counted them. */
          let dropped = 0;
          const countDropped = (): void => {
            viewer?.dropped(chunks.dropped - dropped);
            dropped = chunks.dropped;
          };
          const client: Client = { state: () => state, waitForRead: () => new Promise<void>((resume) => (wake = resume)), countDropped };
          void this.#pump(pending, chunks, mp4, body, client)
            .then(async () => {
              if (state === 'cancelled') return mp4.cancel();
              // The last fragment, then the end of the body.
              await mp4.finish();
              body.close();
            })
            .catch((error: unknown) => {
              this.#logger.warn({ camera: cameraId, err: error }, `stream.mp4 of camera "${cameraId}" failed`);
              void mp4.cancel().catch(() => {});
              if (state !== 'cancelled') body.error(error);
            })
            .finally(() => {
              countDropped();
              this.#dropped += chunks.dropped;
              this.#clients--;
              viewer?.close();
              release();
            });
        },
        pull: () => wake?.(),
        cancel: () => stop('cancelled'),
      },
      new ByteLengthQueuingStrategy({ highWaterMark: HIGH_WATER_BYTES }),
    );
    return new Response(body, { headers });
  }

  /**
   * Muxes chunks while the client reads, until the video ends or fails, the
   * picture changes size or codec, or `client.state()` is no longer `running`.
   */
  async #pump(
    first: Promise<IteratorResult<VideoChunk>> | undefined,
    chunks: AsyncIterableIterator<VideoChunk>,
    mp4: Fmp4Stream,
    body: ReadableStreamDefaultController<Uint8Array>,
    client: Client,
  ): Promise<void> {
    try {
      for (;;) {
        // A full body: wait for the client to read; the core skips our chunks to a keyframe meanwhile.
        while ((body.desiredSize ?? 0) <= 0 && client.state() === 'running') await client.waitForRead();
        if (client.state() !== 'running') return;
        let result: IteratorResult<VideoChunk>;
        try {
          result = await (first ?? chunks.next());
          first = undefined;
        } catch {
          // The camera's video failed (its status and the logs say why): the file ends here.
          return;
        }
        client.countDropped();
        if (result.done || client.state() !== 'running') return;
        const added = await mp4.add(result.value);
        if (added === 'reconfigured') return;
        if (added === 'added') this.#sent++;
      }
    } finally {
      await chunks.return?.();
    }
  }
}
