/**
 * The H.264 player's worker: WebCodecs decoding and drawing on the live
 * view's `OffscreenCanvas`, off the page's main thread (player-host.ts).
 * Started by player-worker.ts.
 * @module
 */
import { hostPlayer, type PlayerScope } from './player-host.ts';
import { browserCodecs, videoFrameSurface } from './webcodecs.ts';

hostPlayer(self as unknown as PlayerScope, { ...browserCodecs(), surface: videoFrameSurface });
