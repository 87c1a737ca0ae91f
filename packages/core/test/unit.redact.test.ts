import { describe, expect, it } from 'vitest';
import { isCredentialName, redactSecrets, redactSource } from '@servercam/core';
import { basicAuth, credentialsProblem, hasUserinfo, withUserinfo } from '../src/credentials.ts';

describe('redactSecrets: URL userinfo', () => {
  it.each([
    ['rtsp://admin:secret@cam.local/live', 'rtsp://***@cam.local/live'],
    // The last @ of the authority splits the userinfo off: nothing of the password is left.
    ['rtsp://admin:p@ss@h/live', 'rtsp://***@h/live'],
    ['rtsp://admin:p@ss@w@rd@10.0.0.7:554/stream1', 'rtsp://***@10.0.0.7:554/stream1'],
    ['http://user@h/', 'http://***@h/'],
    ['http://u:pw@h', 'http://***@h'],
    ['redis://:hunter2@redis.internal:6379/0', 'redis://***@redis.internal:6379/0'],
    ['rediss://default:hunter2@r:6380', 'rediss://***@r:6380'],
    ['http://u:pw@[::1]:8080/x', 'http://***@[::1]:8080/x'],
  ])('%s → %s', (input, output) => {
    expect(redactSecrets(input)).toBe(output);
  });

  it('an @ after the authority (in the path or query) is not userinfo', () => {
    expect(redactSecrets('http://h/a@b?mail=x@y.z')).toBe('http://h/a@b?mail=x@y.z');
  });
});

describe('redactSecrets: credential-like query and fragment parameters', () => {
  it.each([
    ['rtsp://h/live?user=admin&password=s3cr3t', 'rtsp://h/live?user=admin&password=***'],
    ['redis://r:6379/?password=hunter2', 'redis://r:6379/?password=***'],
    ['http://h/video?PASSWORD=a&Pwd=b&pass=c', 'http://h/video?PASSWORD=***&Pwd=***&pass=***'],
    ['http://h/x?token=t&key=k&secret=s&auth=a&signature=g', 'http://h/x?token=***&key=***&secret=***&auth=***&signature=***'],
    ['http://h/x?api_key=1&apiKey=2&access_token=3&X-Amz-Signature=4&client-secret=5', 'http://h/x?api_key=***&apiKey=***&access_token=***&X-Amz-Signature=***&client-secret=***'],
    ['http://h/x?accesstoken=1&clientsecret=2', 'http://h/x?accesstoken=***&clientsecret=***'],
    ['http://h/x;a=1?a=1;password=2', 'http://h/x;a=1?a=1;password=***'],
    ['https://h/cb#access_token=abc&state=1', 'https://h/cb#access_token=***&state=1'],
    ['http://u:p@h/x?password=y', 'http://***@h/x?password=***'],
    ['http://h/x?pass%77ord=y', 'http://h/x?pass%77ord=***'],
  ])('%s → %s', (input, output) => {
    expect(redactSecrets(input)).toBe(output);
  });

  it('keeps the names, and values of other parameters', () => {
    expect(redactSecrets('http://h/x?user=admin&channel=1&subtype=0&password=')).toBe('http://h/x?user=admin&channel=1&subtype=0&password=');
  });

  it.each(['monkey', 'compass', 'author', 'keyframe', 'passthrough', 'user', 'channel', 'bypassed'])('%s is not credential-like', (name) => {
    expect(isCredentialName(name)).toBe(false);
  });

  it.each(['password', 'Passwd', 'PWD', 'api_key', 'apiKey', 'X-Amz-Signature', 'sig', 'auth', 'oauth_token', 'sessionid', 'my.secret'])('%s is credential-like', (name) => {
    expect(isCredentialName(name)).toBe(true);
  });
});

describe('redactSecrets: URLs in free text', () => {
  it.each([
    ['Cannot open camera "door" (rtsp://admin:p@ss@h/live): the connection was refused', 'Cannot open camera "door" (rtsp://***@h/live): the connection was refused'],
    ['[tcp @ 0x55] Connection to tcp://admin:pw@10.0.0.7:554?timeout=0 failed', '[tcp @ 0x55] Connection to tcp://***@10.0.0.7:554?timeout=0 failed'],
    ['fetch http://h/x?token=abc), then retry.', 'fetch http://h/x?token=***), then retry.'],
    ['two: rtsp://a:b@h1/x and http://c:d@h2/y?key=z.', 'two: rtsp://***@h1/x and http://***@h2/y?key=***.'],
    ['{"msg":"redis redis://:pw@r:6379?password=pw","url":"http://h/?token=t"}', '{"msg":"redis redis://***@r:6379?password=***","url":"http://h/?token=***"}'],
    ['escaped \\"rtsp://u:p@h/x?token=a\\" in JSON', 'escaped \\"rtsp://***@h/x?token=***\\" in JSON'],
    ["quoted 'http://u:p@h' and <http://v:q@g/>", "quoted 'http://***@h' and <http://***@g/>"],
    ['Camera "x": connect ECONNREFUSED 127.0.0.1:554', 'Camera "x": connect ECONNREFUSED 127.0.0.1:554'],
  ])('%s', (input, output) => {
    expect(redactSecrets(input)).toBe(output);
  });

  it('no false positives on ordinary text and URLs', () => {
    for (const text of [
      'http://127.0.0.1:4000/cameras/desk/stream.mjpeg',
      'https://example.com/a/b?c=1&d=2#top',
      'synthetic:640x480@15',
      '/videos/demo@2x.mp4',
      'mail me at someone@example.com',
      'ratio 3:4 :// nothing',
      '://h:p@x',
      'rtsp://[fe80::1]:554/live',
    ]) {
      expect(redactSecrets(text)).toBe(text);
    }
  });

  it('redacting twice gives what redacting once does', () => {
    const text = 'rtsp://a:b@c@h/x?password=1&token=2 and redis://:p@r?key=3';
    expect(redactSecrets(redactSecrets(text))).toBe(redactSecrets(text));
  });

  it('masks known secrets wherever they appear, as given and percent-encoded', () => {
    expect(redactSecrets('auth failed for p@ss:w0rd! (p%40ss%3Aw0rd!)', ['p@ss:w0rd!'])).toBe('auth failed for *** (***)');
    // Too short to mask safely.
    expect(redactSecrets('a b c', ['a'])).toBe('a b c');
  });

  it('redactSource is the same function', () => {
    expect(redactSource('rtsp://admin:p@ss@h/live?password=x')).toBe('rtsp://***@h/live?password=***');
  });
});

describe('credentials', () => {
  it('withUserinfo percent-encodes the credentials into the URL', () => {
    expect(withUserinfo('rtsp://h/live', { username: 'ad min', password: 'p@ss/w:rd' })).toBe('rtsp://ad%20min:p%40ss%2Fw%3Ard@h/live');
    expect(withUserinfo('rtsp://h/live', { username: 'viewer' })).toBe('rtsp://viewer@h/live');
    expect(withUserinfo('rtsp://h/live', undefined)).toBe('rtsp://h/live');
  });

  it('basicAuth strips userinfo from an HTTP URL and makes the header', () => {
    expect(basicAuth('http://admin:p%40ss@h:8080/video?x=1')).toEqual({ url: 'http://h:8080/video?x=1', authorization: `Basic ${btoa('admin:p@ss')}` });
    expect(basicAuth('http://h/video', { username: 'u', password: 'p' })).toEqual({ url: 'http://h/video', authorization: `Basic ${btoa('u:p')}` });
    expect(basicAuth('http://h/video')).toEqual({ url: 'http://h/video', authorization: undefined });
  });

  it('hasUserinfo looks at the authority only', () => {
    expect(hasUserinfo('rtsp://a:b@h/x')).toBe(true);
    expect(hasUserinfo('rtsp://h/x@y')).toBe(false);
  });

  it('credentialsProblem never quotes the password', () => {
    expect(credentialsProblem({ username: 'a:b', password: 'topsecret' })).not.toContain('topsecret');
    expect(credentialsProblem({ username: 'a', password: 'line\nbreak' })).toMatch(/control/);
    expect(credentialsProblem({ username: 'a', passwd: 'x' })).toMatch(/unknown field/);
    expect(credentialsProblem({ username: 'admin', password: 'x' })).toBeUndefined();
  });
});

describe('redactSecrets is linear in its input', () => {
  /** The least time of `rounds` rounds of `runs` redactions of `text` (ms). */
  function cost(text: string, runs: number, rounds = 7): number {
    let best = Number.POSITIVE_INFINITY;
    for (let round = 0; round < rounds; round++) {
      const start = performance.now();
      for (let i = 0; i < runs; i++) redactSecrets(text, ['hunter2-secret']);
      best = Math.min(best, performance.now() - start);
    }
    return best;
  }

  it.each([
    ['scheme-like runs before ://', (n: number) => 'a+b-c.d'.repeat(n / 7) + '://'],
    ['many :// with no scheme', (n: number) => ':// '.repeat(n / 4)],
    ['many short URLs', (n: number) => 'a://b@c '.repeat(n / 8)],
    ['one URL full of @', (n: number) => `http://${'@'.repeat(n)}`],
    ['one URL full of credential parameters', (n: number) => `http://h/?${'&password=x'.repeat(n / 11)}`],
    ['one URL full of closing parentheses', (n: number) => `http://h/x${')'.repeat(n)}`],
    ['parameter names of bad percent escapes', (n: number) => `http://h/?${`${'%'.repeat(40)}=1&`.repeat(n / 43)}`],
    ['camelCase parameter names', (n: number) => `http://h/?${'aB'.repeat(n / 2)}=1`],
  ])('%s: 16 KB costs about 16 times 1 KB, not 256', (_name, make) => {
    const small = make(1024);
    const large = make(16 * 1024);
    // Warm up the JIT on both sizes first.
    cost(small, 160, 2);
    cost(large, 10, 2);
    // As many bytes either way (16 × 1 KB, 1 × 16 KB): linear work takes about as long; quadratic, 16 times as long.
    const ratio = cost(large, 20) / cost(small, 320);
    expect(ratio).toBeLessThan(6);
  });
});
