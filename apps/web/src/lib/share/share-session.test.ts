import { describe, expect, it } from 'vitest';
import { OperationError } from '../graphql/errors.ts';
import { endedMessage, refused, statedExpiry } from './share-session.svelte.ts';

const NOW = Date.parse('2026-12-01T08:00:00Z');

describe('endedMessage', () => {
  it('says the link expired when its expiry has passed', () => {
    expect(endedMessage(null, '2026-12-01T07:00:00Z', NOW)).toBe('This share link has expired.');
  });

  it('says the link is no longer valid when it is refused before its expiry (revoked)', () => {
    expect(endedMessage(null, '2026-12-02T08:00:00Z', NOW)).toMatch(/revoked/);
  });

  it("says the link expired when the server's close reason says so, whatever the view knew of its expiry", () => {
    expect(endedMessage('Access expired', '2026-12-02T08:00:00Z', NOW)).toBe('This share link has expired.');
  });

  it("says the link was revoked when the server's close reason says so", () => {
    expect(endedMessage('Access revoked', '2026-12-01T07:00:00Z', NOW)).toBe('This share link is no longer valid: it was revoked.');
  });
});

describe('refused', () => {
  it('is true for UNAUTHENTICATED and FORBIDDEN, false for an unreachable server', () => {
    const of = (code: string) => refused(new OperationError('x', code));
    expect([of('UNAUTHENTICATED'), of('FORBIDDEN'), of('UNREACHABLE')]).toEqual([true, true, false]);
  });
});

describe('statedExpiry', () => {
  it("reads a share link token's expiry", () => {
    expect(statedExpiry('scl1.MNDQWtB7fzz-ye5m.door.1796428800.uCn1YFJMBje0Dk')).toBe('2026-12-05T00:00:00.000Z');
  });

  it('gives null for anything else', () => {
    expect([statedExpiry('sct_abc'), statedExpiry('scl1.a.b.12x.m'), statedExpiry('scl1.a.b..m'), statedExpiry('scl2.a.b.1.m')]).toEqual([null, null, null, null]);
  });
});
