/**
 * HTTP sources with credentials, against a real MJPEG camera (ffmpeg behind a
 * node:http server) that wants HTTP Basic auth. The reachability probe runs
 * without OpenCV; the reads through OpenCV are in opencv.network.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeNetworkSource } from '../src/backends/network-probe.ts';
import { FfmpegMjpegServer, freePort } from './helpers/media.ts';

const USER = 'admin';
const PASSWORD = 'p@ss:w/rd';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

describe('the network probe of an HTTP source that wants Basic auth', () => {
  let camera: FfmpegMjpegServer;
  beforeAll(async () => {
    camera = new FfmpegMjpegServer(await freePort(), { username: USER, password: PASSWORD });
    await camera.start();
  });
  afterAll(async () => {
    await camera?.stop();
  });

  it('sends the URL\'s userinfo as Authorization: Basic (fetch refuses it in the URL)', async () => {
    const url = `http://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${camera.port}/`;
    await probeNetworkSource(url, 5000);
    expect(camera.authorizations.at(-1)).toBe(BASIC);
  });

  it('sends the camera\'s credentials as Authorization: Basic', async () => {
    await probeNetworkSource(camera.url, 5000, { username: USER, password: PASSWORD });
    expect(camera.authorizations.at(-1)).toBe(BASIC);
  });

  it('without credentials, fails saying the server wants them', async () => {
    await expect(probeNetworkSource(camera.url, 5000)).rejects.toThrow(/wants credentials \(HTTP 401\)/);
    expect(camera.authorizations.at(-1)).toBeUndefined();
  });

  it('with wrong credentials, fails saying they were refused, without quoting them', async () => {
    const error = await probeNetworkSource(camera.url, 5000, { username: USER, password: 'wrong-password' }).then(() => undefined, (e: unknown) => e as Error);
    expect(error?.message).toMatch(/refused the credentials \(HTTP 401\)/);
    expect(error?.message).not.toContain('wrong-password');
  });
});
