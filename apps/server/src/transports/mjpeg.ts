/**
 * `GET /cameras/:id/stream.mjpeg`: Motion JPEG over HTTP
 * (`multipart/x-mixed-replace`), for `<img>` tags, VLC, Home Assistant.
 *
 * Each frame's part is made once (frames/serialize.ts) and the same bytes go
 * to every client. A client's stream queues at most one part: when the
 * socket's buffer is full, the adapter stops reading the stream, and new
 * frames for that client are dropped instead of queued.
 * @module
 */
import type { TransportMeter, ViewerMeter } from '../metrics/transport-meter.ts';
import type { Frame } from '@servercam/core';
import type { FrameBus } from '../bus/bus.ts';
import type { CameraDirectory } from '../cameras.ts';
import { type FrameSerializer, MJPEG_BOUNDARY } from '../frames/serialize.ts';
import type { Subscriptions } from '../subscriptions.ts';
import { startStream } from '../routes/http.ts';

export interface MjpegStats {
  readonly clients: number;
  readonly partsSent: number;
  readonly partsDropped: number;
}

export class MjpegStreams {
  readonly #stream: FrameBus;
  readonly #cameras: CameraDirectory;
  readonly #subscriptions: Subscriptions;
  readonly #serializer: FrameSerializer;
  #clients = 0;
  #sent = 0;
  #dropped = 0;

  readonly #meter: TransportMeter | undefined;

  constructor(stream: FrameBus, cameras: CameraDirectory, subscriptions: Subscriptions, serializer: FrameSerializer, meter?: TransportMeter) {
    this.#meter = meter;
    this.#stream = stream;
    this.#serializer = serializer;
    this.#cameras = cameras;
    this.#subscriptions = subscriptions;
  }

  stats(): MjpegStats {
    return { clients: this.#clients, partsSent: this.#sent, partsDropped: this.#dropped };
  }

  respond(request: Request, cameraId: string): Response {
    const start = startStream(request, cameraId, this.#cameras, `multipart/x-mixed-replace; boundary=${MJPEG_BOUNDARY}`);
    if (start instanceof Response) return start;
    const { variant, headers } = start;

    let end: (() => void) | undefined;
    const body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          let viewer: ViewerMeter | undefined;
          const push = (frame: Frame): void => {
            if ((controller.desiredSize ?? 0) > 0) {
              const part = this.#serializer.mjpegPart(frame);
              controller.enqueue(part);
              this.#sent++;
              viewer?.sent(part.byteLength);
            } else {
              this.#dropped++;
              viewer?.dropped();
            }
          };
          // Show the current picture at once (it matters when paused); scaled variants wait for their first frame.
          const status = this.#cameras.get(cameraId)?.status;
          const latest = variant.maxWidth === undefined ? this.#stream.latest(cameraId) : undefined;
          viewer = this.#meter?.open('mjpeg', cameraId);
          if (latest && (status === 'live' || status === 'paused')) push(latest);
          let unsubscribe: () => void;
          try {
            unsubscribe = this.#stream.subscribe({ cameraId, ...variant }, push);
          } catch (error) {
            viewer?.close();
            throw error;
          }
          this.#clients++;
          let ended = false;
          const release = this.#subscriptions.hold(() => {
            end?.();
            try {
              controller.close();
            } catch {
              // Already closed or cancelled.
            }
          });
          end = () => {
            if (ended) return;
            ended = true;
            unsubscribe();
            release();
            this.#clients--;
            viewer?.close();
          };
        },
        cancel: () => end?.(),
      },
      { highWaterMark: 1 },
    );
    return new Response(body, { headers });
  }
}
