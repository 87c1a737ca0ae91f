// @vitest-environment jsdom
import { fireEvent, render, screen } from '@testing-library/svelte';
import type { CreateAccessTokenInput } from '@servercam/schema/client';
import { describe, expect, it } from 'vitest';
import TokenForm from './TokenForm.svelte';

const cameras = [
  { id: 'kitchen', label: 'Kitchen' },
  { id: 'door', label: 'Door' },
];

function setup(oncreate: (input: CreateAccessTokenInput) => Promise<void> = async () => {}) {
  const created: CreateAccessTokenInput[] = [];
  render(TokenForm, {
    props: {
      cameras,
      oncreate: async (input: CreateAccessTokenInput) => {
        created.push(input);
        await oncreate(input);
      },
    },
  });
  return { created };
}

describe('TokenForm', () => {
  it('labels every control', () => {
    setup();
    expect(screen.getByRole('textbox', { name: 'Token label' })).toBeTruthy();
    expect(screen.getByRole('group', { name: 'Token cameras' })).toBeTruthy();
    expect(screen.getByRole('checkbox', { name: 'All cameras' })).toBeTruthy();
    expect(screen.getByRole('group', { name: 'Capabilities' })).toBeTruthy();
    for (const name of ['View', 'Events', 'Control', 'Admin']) expect(screen.getByRole('checkbox', { name })).toBeTruthy();
    expect(screen.getByRole('combobox', { name: 'Token expires' })).toBeTruthy();
  });

  it('creates a token for every camera, view only, without expiry', async () => {
    const { created } = setup();
    await fireEvent.input(screen.getByRole('textbox', { name: 'Token label' }), { target: { value: ' hall tablet ' } });
    await fireEvent.change(screen.getByRole('combobox', { name: 'Token expires' }), { target: { value: 'never' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Create token' }));
    expect(created).toEqual([{ label: 'hall tablet', cameras: ['*'], capabilities: ['VIEW'] }]);
  });

  it('creates a token for the picked cameras and capabilities', async () => {
    const { created } = setup();
    await fireEvent.input(screen.getByRole('textbox', { name: 'Token label' }), { target: { value: 'door' } });
    await fireEvent.click(screen.getByRole('checkbox', { name: 'All cameras' }));
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Door' }));
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Control' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Create token' }));
    expect(created).toHaveLength(1);
    expect(created[0]?.cameras).toEqual(['door']);
    expect(created[0]?.capabilities).toEqual(['VIEW', 'CONTROL']);
    expect(typeof created[0]?.expiresAt).toBe('string');
  });

  it('asks for a label instead of sending none', async () => {
    const { created } = setup();
    await fireEvent.click(screen.getByRole('button', { name: 'Create token' }));
    expect(created).toEqual([]);
    expect(screen.getByRole('alert').textContent).toBe('Give the token a label.');
  });

  it("shows the server's message when it refuses", async () => {
    setup(async () => Promise.reject(new Error('label is taken')));
    await fireEvent.input(screen.getByRole('textbox', { name: 'Token label' }), { target: { value: 'x' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Create token' }));
    expect((await screen.findByRole('alert')).textContent).toBe('label is taken');
  });

  it('offers an admin of some cameras neither "All cameras" nor capabilities it lacks', async () => {
    const created: CreateAccessTokenInput[] = [];
    render(TokenForm, { props: { cameras, allowAll: false, grantable: ['VIEW', 'EVENTS'], oncreate: async (input: CreateAccessTokenInput) => void created.push(input) } });
    expect(screen.queryByRole('checkbox', { name: 'All cameras' })).toBeNull();
    expect(screen.queryByRole('checkbox', { name: 'Control' })).toBeNull();
    expect(screen.queryByRole('checkbox', { name: 'Admin' })).toBeNull();
    await fireEvent.input(screen.getByRole('textbox', { name: 'Token label' }), { target: { value: 'k' } });
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Kitchen' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Create token' }));
    expect(created[0]?.cameras).toEqual(['kitchen']);
  });

  it('sends a custom expiry picked on a date, and refuses one in the past', async () => {
    const { created } = setup();
    await fireEvent.input(screen.getByRole('textbox', { name: 'Token label' }), { target: { value: 'later' } });
    await fireEvent.change(screen.getByRole('combobox', { name: 'Token expires' }), { target: { value: 'custom' } });
    const date = screen.getByLabelText('Token expiry date');
    await fireEvent.input(date, { target: { value: '2001-01-01T00:00' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Create token' }));
    expect(created).toEqual([]);
    expect(screen.getByRole('alert').textContent).toBe('The expiry must be in the future.');
    await fireEvent.input(date, { target: { value: '2999-01-01T00:00' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Create token' }));
    expect(created.map((input) => input.expiresAt)).toEqual([new Date('2999-01-01T00:00').toISOString()]);
  });
});
