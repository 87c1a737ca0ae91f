import { describe, expect, it } from 'vitest';
import { OperationError } from '../graphql/errors.ts';
import { endedMessage, refused } from './share-session.svelte.ts';

const NOW = Date.parse('2026-12-01T08:00:00Z');

describe('endedMessage', () => {
  it('says the link expired when its expiry has passed', () => {
    expect(endedMessage('2026-12-01T07:00:00Z', NOW)).toBe('This share link has expired.');
  });

  it('says the link is no longer valid when it is refused before its expiry (revoked)', () => {
    expect(endedMessage('2026-12-02T08:00:00Z', NOW)).toMatch(/revoked/);
  });
});

describe('refused', () => {
  it('is true for UNAUTHENTICATED and FORBIDDEN, false for an unreachable server', () => {
    const of = (code: string) => refused(new OperationError('x', code));
    expect([of('UNAUTHENTICATED'), of('FORBIDDEN'), of('UNREACHABLE')]).toEqual([true, true, false]);
  });
});
