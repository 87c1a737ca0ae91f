/**
 * Runs a callback in a task of its own, after the rendering update under way
 * (a MessageChannel message: no timer clamping). Called from a
 * `requestAnimationFrame` callback, the callback runs once that animation
 * frame's rendering (style, layout, paint, the commit to the compositor, or an
 * `OffscreenCanvas`'s commit in a worker) is over. Works in a page and in a
 * dedicated worker.
 * @module
 */

export type AfterRendering = (callback: () => void) => void;

export function afterRendering(): AfterRendering {
  const channel = new MessageChannel();
  const queue: Array<() => void> = [];
  channel.port1.onmessage = () => queue.shift()?.();
  return (callback) => {
    queue.push(callback);
    channel.port2.postMessage(null);
  };
}
