// @vitest-environment jsdom
import { fireEvent, render, screen } from '@testing-library/svelte';
import type { CreateShareLinkInput } from '@servercam/schema/client';
import { describe, expect, it } from 'vitest';
import ShareLinkForm from './ShareLinkForm.svelte';

const cameras = [
  { id: 'kitchen', label: 'Kitchen' },
  { id: 'door', label: 'Door' },
];

describe('ShareLinkForm', () => {
  it('creates a link to the picked camera that expires', async () => {
    const created: CreateShareLinkInput[] = [];
    render(ShareLinkForm, { props: { cameras, oncreate: async (input: CreateShareLinkInput) => void created.push(input) } });
    await fireEvent.change(screen.getByRole('combobox', { name: 'Shared camera' }), { target: { value: 'door' } });
    await fireEvent.input(screen.getByRole('textbox', { name: 'Link label' }), { target: { value: 'neighbour' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Create share link' }));
    expect(created).toHaveLength(1);
    expect(created[0]?.cameraId).toBe('door');
    expect(created[0]?.label).toBe('neighbour');
    expect(Date.parse(created[0]?.expiresAt ?? '')).toBeGreaterThan(Date.now());
  });

  it('offers no "Never": a link always expires', () => {
    render(ShareLinkForm, { props: { cameras, oncreate: async () => {} } });
    const options = [...(screen.getByRole('combobox', { name: 'Link expires' }) as HTMLSelectElement).options].map((option) => option.value);
    expect(options).not.toContain('never');
  });
});
