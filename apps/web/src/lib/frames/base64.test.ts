import { describe, expect, it } from 'vitest';
import { base64ByteLength, base64ToBytes } from './base64.ts';

describe('base64ToBytes', () => {
  it('decodes the start of a JPEG', () => {
    expect([...base64ToBytes('/9j/4A==')]).toEqual([0xff, 0xd8, 0xff, 0xe0]);
  });

  it('decodes every byte value', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const text = btoa(String.fromCharCode(...bytes));
    expect(base64ToBytes(text)).toEqual(bytes);
  });
});

describe('base64ByteLength', () => {
  it('counts the bytes of base64 with and without padding', () => {
    for (const length of [0, 1, 2, 3, 4, 5, 100]) {
      const text = btoa('x'.repeat(length));
      expect(base64ByteLength(text)).toBe(length);
      expect(base64ByteLength(text.replace(/=+$/, ''))).toBe(length);
    }
  });
});
