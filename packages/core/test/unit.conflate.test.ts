import { describe, expect, it } from 'vitest';
import { LatestValueIterator } from '@servercam/core';

describe('LatestValueIterator', () => {
  it('keeps only the newest unread value', async () => {
    const it = new LatestValueIterator<number>(() => {});
    for (let i = 1; i <= 100; i++) it.push(i);
    expect(await it.next()).toEqual({ value: 100, done: false });
    expect(it.dropped).toBe(99);
  });

  it('hands a value straight to a waiting reader', async () => {
    const it = new LatestValueIterator<number>(() => {});
    const next = it.next();
    it.push(7);
    expect(await next).toEqual({ value: 7, done: false });
    expect(it.dropped).toBe(0);
  });

  it('ends a waiting reader when closed, and calls onClose once', async () => {
    let closes = 0;
    const it = new LatestValueIterator<number>(() => closes++);
    const next = it.next();
    it.close();
    it.close();
    expect(await next).toEqual({ value: undefined, done: true });
    expect(closes).toBe(1);
  });

  it('ends when its signal aborts', async () => {
    const controller = new AbortController();
    const it = new LatestValueIterator<number>(() => {}, controller.signal);
    const next = it.next();
    controller.abort();
    expect((await next).done).toBe(true);
  });

  it('keyed, keeps the newest unread value of each key, in the order of their latest change', async () => {
    const it = new LatestValueIterator<{ id: string; n: number }>(() => {}, undefined, (value) => value.id);
    it.push({ id: 'a', n: 1 });
    it.push({ id: 'b', n: 2 });
    it.push({ id: 'a', n: 3 });
    expect(await it.next()).toEqual({ value: { id: 'b', n: 2 }, done: false });
    expect(await it.next()).toEqual({ value: { id: 'a', n: 3 }, done: false });
    expect(it.dropped).toBe(1);
  });
});
