import { describe, expect, it } from 'vitest';
import { createKeyCache } from './key-cache';
import type { KeyState } from './key-state';

function state(hash: string, organizationId = 'org_a'): KeyState {
  return {
    id: `key_${hash}`,
    hash,
    organizationId,
    apiId: 'api_1',
    userId: null,
    serviceAccountId: null,
    role: 'admin',
    plan: 'standard',
    name: null,
    ownerId: null,
    externalId: null,
    meta: null,
    environment: null,
    scopes: ['*'],
    permissions: new Set(),
    roles: [],
    enabled: true,
    revoked: false,
    expiresAt: null,
    remaining: null,
    refill: null,
    ratelimit: { type: 'fast', limit: 10, durationMs: 60_000, inherited: true },
  };
}

/** A loader backed by a map, counting calls per hash; `gate` holds loads until released. */
function fakeLoader(known: Record<string, string> = {}) {
  const calls = new Map<string, number>();
  let release: (() => void) | null = null;
  let gate: Promise<void> | null = null;
  const load = async (hash: string) => {
    calls.set(hash, (calls.get(hash) ?? 0) + 1);
    if (gate) await gate;
    const org = known[hash];
    return org ? state(hash, org) : null;
  };
  return {
    load,
    calls: (h: string) => calls.get(h) ?? 0,
    hold() {
      gate = new Promise((r) => {
        release = r;
      });
    },
    release() {
      gate = null;
      release?.();
    },
  };
}

describe('key cache', () => {
  it('loads a known key once and serves it from memory after', async () => {
    const l = fakeLoader({ h1: 'org_a' });
    const c = createKeyCache(l.load);
    expect((await c.get('h1'))?.id).toBe('key_h1');
    expect((await c.get('h1'))?.id).toBe('key_h1');
    expect(l.calls('h1')).toBe(1);
    expect(c.stats()).toMatchObject({ hits: 1, misses: 1, entries: 1 });
  });

  it('remembers unknown hashes, so each reaches the loader once', async () => {
    const l = fakeLoader();
    const c = createKeyCache(l.load);
    for (let i = 0; i < 3; i++) expect(await c.get('nope')).toBeNull();
    expect(l.calls('nope')).toBe(1);
  });

  it('makes one load for 1,000 concurrent first requests', async () => {
    const l = fakeLoader({ h1: 'org_a' });
    const c = createKeyCache(l.load);
    l.hold();
    const all = Array.from({ length: 1000 }, () => c.get('h1'));
    l.release();
    const results = await Promise.all(all);
    expect(l.calls('h1')).toBe(1);
    expect(results.every((r) => r?.id === 'key_h1')).toBe(true);
  });

  it('drops a key on invalidation by hash, including a negative entry', async () => {
    const known: Record<string, string> = {};
    const l = fakeLoader(known);
    const c = createKeyCache(l.load);
    expect(await c.get('h1')).toBeNull();
    known.h1 = 'org_a';
    expect(await c.get('h1')).toBeNull();
    c.invalidate({ kind: 'keys', hashes: ['h1'] });
    expect((await c.get('h1'))?.id).toBe('key_h1');
    c.invalidate({ kind: 'keys', hashes: ['h1'] });
    await c.get('h1');
    expect(l.calls('h1')).toBe(3);
  });

  it('drops every key of an organization on invalidation by org, and only those', async () => {
    const l = fakeLoader({ a1: 'org_a', a2: 'org_a', b1: 'org_b' });
    const c = createKeyCache(l.load);
    await Promise.all(['a1', 'a2', 'b1'].map((h) => c.get(h)));
    c.invalidate({ kind: 'org', organizationId: 'org_a' });
    await Promise.all(['a1', 'a2', 'b1'].map((h) => c.get(h)));
    expect([l.calls('a1'), l.calls('a2'), l.calls('b1')]).toEqual([2, 2, 1]);
  });

  it('does not cache a load that raced an invalidation', async () => {
    const l = fakeLoader({ h1: 'org_a' });
    const c = createKeyCache(l.load);
    l.hold();
    const first = c.get('h1');
    c.invalidate({ kind: 'keys', hashes: ['h1'] });
    l.release();
    await first;
    await c.get('h1');
    expect(l.calls('h1')).toBe(2);
  });

  it('expires entries after the TTL, which can be shortened at run time', async () => {
    let t = 0;
    const l = fakeLoader({ h1: 'org_a' });
    const c = createKeyCache(l.load, { ttlMs: 60_000, now: () => t });
    await c.get('h1');
    t = 30_000;
    await c.get('h1');
    expect(l.calls('h1')).toBe(1);
    c.setTtl(1000);
    await c.get('h1');
    expect(l.calls('h1')).toBe(2);
    t = 30_500;
    await c.get('h1');
    expect(l.calls('h1')).toBe(2);
  });

  it('stays within its bounds, evicting the least recently used', async () => {
    const known = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, 'org_a']));
    const l = fakeLoader(known);
    const c = createKeyCache(l.load, { maxEntries: 3, maxNegative: 2 });
    await c.get('k0');
    await c.get('k1');
    await c.get('k2');
    await c.get('k0');
    await c.get('k3');
    expect(c.stats().entries).toBe(3);
    await c.get('k0');
    expect(l.calls('k0')).toBe(1);
    await c.get('k1');
    expect(l.calls('k1')).toBe(2);
    for (const h of ['x', 'y', 'z']) await c.get(h);
    expect(c.stats().negative).toBe(2);
  });

  it('forgets everything on clear (the notification channel came back)', async () => {
    const l = fakeLoader({ h1: 'org_a' });
    const c = createKeyCache(l.load);
    await c.get('h1');
    await c.get('gone');
    c.clear();
    await c.get('h1');
    await c.get('gone');
    expect([l.calls('h1'), l.calls('gone')]).toEqual([2, 2]);
  });
});
