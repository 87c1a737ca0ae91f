// @vitest-environment jsdom
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import SecretReveal from './SecretReveal.svelte';

describe('SecretReveal', () => {
  it('shows a new share link in a labelled field with a copy button', () => {
    render(SecretReveal, { props: { revealed: { kind: 'link', label: 'neighbour', value: 'http://cam.example/share/abc' }, ondismiss: () => {} } });
    expect((screen.getByRole('textbox', { name: 'New share link URL' }) as HTMLInputElement).value).toBe('http://cam.example/share/abc');
    expect(screen.getByRole('button', { name: 'Copy link' })).toBeTruthy();
  });

  it('copies the secret to the clipboard', async () => {
    const written: string[] = [];
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (text: string) => void written.push(text) } });
    render(SecretReveal, { props: { revealed: { kind: 'token', label: 'kitchen', value: 's3cret' }, ondismiss: () => {} } });
    await fireEvent.click(screen.getByRole('button', { name: 'Copy secret' }));
    expect(await screen.findByText('Copied.')).toBeTruthy();
    expect(written).toEqual(['s3cret']);
  });
});
