// @vitest-environment jsdom
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import ViewerOptions from './ViewerOptions.svelte';

describe('ViewerOptions', () => {
  it('offers "Force JPEG" as a checkbox that reports each change', async () => {
    const choices: boolean[] = [];
    render(ViewerOptions, { props: { forceJpeg: false, onforcejpeg: (force: boolean) => choices.push(force) } });
    const box = screen.getByRole('checkbox', { name: 'Force JPEG' }) as HTMLInputElement;
    expect(box.checked).toBe(false);
    await fireEvent.click(box);
    expect(choices).toEqual([true]);
  });
});
