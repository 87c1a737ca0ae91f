/* @ts-self-types="./net.d.mts" */
// A free loopback port. Plain JavaScript: the bench (run from dist/) imports it by path.
import { createServer } from 'node:net';

/** A TCP port that is free on 127.0.0.1 right now. */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}
