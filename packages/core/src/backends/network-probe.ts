/**
 * An asynchronous reachability check for network sources, run before OpenCV's
 * open. OpenCV opens synchronously, and a server that is down or silent would
 * block the capture worker (and every other camera) until FFmpeg times out.
 * The probe catches those cases on the event loop instead: only a source that
 * answers with data is handed to OpenCV.
 * @module
 */
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { basicAuth, type SourceCredentials } from '../credentials.ts';

/**
 * Resolves when `url` answers with data within `timeoutMs`; rejects with an
 * Error saying what went wrong otherwise. An HTTP source's credentials (the
 * URL's userinfo, or `credentials`) go in an `Authorization: Basic` header:
 * fetch refuses a URL with credentials.
 */
export async function probeNetworkSource(url: string, timeoutMs: number, credentials?: SourceCredentials): Promise<void> {
  const parsed = new URL(url);
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return probeHttp(url, timeoutMs, credentials);
  if (parsed.protocol === 'rtsp:' || parsed.protocol === 'rtsps:') return probeRtsp(parsed, timeoutMs);
}

async function probeHttp(source: string, timeoutMs: number, credentials: SourceCredentials | undefined): Promise<void> {
  const { url, authorization } = basicAuth(source, credentials);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  try {
    const response = await fetch(url, { signal: controller.signal, redirect: 'follow', headers: authorization ? { authorization } : {} });
    if (response.status === 401) {
      throw new Error(authorization ? 'the server refused the credentials (HTTP 401)' : 'the server wants credentials (HTTP 401): give them in the camera\'s "credentials"');
    }
    if (!response.ok) throw new Error(`the server answered HTTP ${response.status} ${response.statusText}`);
    const reader = response.body?.getReader();
    const first = await reader?.read();
    if (!first || first.done) throw new Error('the server closed the stream without sending data');
  } catch (error) {
    throw controller.signal.aborted ? (controller.signal.reason as Error) : describeNetworkError(error);
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

function probeRtsp(url: URL, timeoutMs: number): Promise<void> {
  const secure = url.protocol === 'rtsps:';
  const port = Number(url.port || (secure ? 322 : 554));
  return new Promise<void>((resolve, reject) => {
    const socket: Socket = secure
      ? connectTls({ host: url.hostname, port, servername: url.hostname, rejectUnauthorized: false })
      : connectTcp({ host: url.hostname, port });
    const done = (error?: Error) => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(() => done(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      const target = `${url.protocol}//${url.host}${url.pathname}${url.search}`;
      socket.write(`OPTIONS ${target} RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: servercam\r\n\r\n`);
    });
    socket.once('data', (chunk: Buffer) => {
      if (chunk.subarray(0, 5).toString('latin1') === 'RTSP/') done();
      else done(new Error('the server did not answer as an RTSP server'));
    });
    socket.once('error', (error) => done(describeNetworkError(error)));
    socket.once('close', () => done(new Error('the server closed the connection without answering')));
  });
}

function describeNetworkError(error: unknown): Error {
  const cause = (error as { cause?: { code?: string } }).cause ?? error;
  const code = (cause as { code?: string }).code;
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'the connection was refused (is the camera or stream server running?)',
    ENOTFOUND: 'the host name does not resolve',
    EHOSTUNREACH: 'the host is unreachable',
    ETIMEDOUT: 'the connection timed out',
    ECONNRESET: 'the connection was reset',
  };
  const message = (code && reasons[code]) ?? (error instanceof Error ? error.message : String(error));
  return new Error(message, { cause: error });
}
