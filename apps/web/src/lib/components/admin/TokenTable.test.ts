// @vitest-environment jsdom
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { AccessToken } from '../../admin/admin.svelte.ts';
import TokenTable from './TokenTable.svelte';

const NOW = Date.parse('2026-12-01T08:00:00Z');
const tokens: AccessToken[] = [
  { id: 't1', label: 'kitchen-tablet', cameras: ['kitchen'], capabilities: ['VIEW', 'EVENTS'], createdAt: '2026-11-01T08:00:00Z', expiresAt: null, lastUsedAt: null },
  { id: 't2', label: 'old', cameras: ['*'], capabilities: ['ADMIN'], createdAt: '2026-10-01T08:00:00Z', expiresAt: '2026-11-01T08:00:00Z', lastUsedAt: '2026-10-02T08:00:00Z' },
];

describe('TokenTable', () => {
  it('lists each token with its cameras, capabilities and expiry', () => {
    render(TokenTable, { props: { tokens, cameraLabel: (id: string) => (id === 'kitchen' ? 'Kitchen' : id), onrevoke: async () => {}, now: NOW } });
    const row = screen.getByRole('row', { name: /kitchen-tablet/ });
    expect(within(row).getByText('Kitchen')).toBeTruthy();
    expect(within(row).getByText('View, Events')).toBeTruthy();
    expect(within(row).getAllByText('Never')).toHaveLength(2);
    expect(screen.getByRole('row', { name: /old/ }).textContent).toContain('(expired)');
  });

  it('revokes the token whose button is pressed', async () => {
    const revoked: string[] = [];
    render(TokenTable, { props: { tokens, cameraLabel: (id: string) => id, onrevoke: async (token: AccessToken) => void revoked.push(token.id), now: NOW } });
    await fireEvent.click(screen.getByRole('button', { name: 'Revoke token old' }));
    expect(revoked).toEqual(['t2']);
  });
});
