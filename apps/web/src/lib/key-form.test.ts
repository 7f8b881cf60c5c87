import { describe, expect, it } from 'vitest';
import { changedFields, EMPTY_FORM, formFieldFor, validateKeyForm } from './key-form';

const NOW = Date.UTC(2026, 0, 10, 12);
const form = (over: Partial<typeof EMPTY_FORM>) => ({ ...EMPTY_FORM, name: 'ci', ...over });

describe('validateKeyForm', () => {
  it('needs a name and builds a read-write key that never expires by default', () => {
    expect(validateKeyForm(EMPTY_FORM, NOW).errors.name).toBe('Give the key a name');
    const { fields } = validateKeyForm(form({}), NOW);
    expect(fields).toMatchObject({ name: 'ci', scopes: ['read-write'], expiresAt: null, ratelimit: null, remaining: null, refill: null, meta: null });
  });

  it('turns expiry presets into dates from now, and rejects a custom date in the past', () => {
    expect(validateKeyForm(form({ expiry: '30' }), NOW).fields?.expiresAt?.getTime()).toBe(NOW + 30 * 86_400_000);
    expect(validateKeyForm(form({ expiry: 'custom', expiryDate: '2020-01-01' }), NOW).errors.expiryDate).toBe('Pick a date in the future');
    expect(validateKeyForm(form({ expiry: 'custom', expiryDate: '' }), NOW).errors.expiryDate).toBe('Pick a date');
    expect(validateKeyForm(form({ expiry: 'keep' }), NOW).fields).not.toHaveProperty('expiresAt');
  });

  it('validates meta as a JSON object', () => {
    expect(validateKeyForm(form({ meta: '{"a": ' }), NOW).errors.meta).toMatch(/^Not valid JSON/);
    expect(validateKeyForm(form({ meta: '[1, 2]' }), NOW).errors.meta).toMatch(/must be a JSON object/);
    expect(validateKeyForm(form({ meta: '{"team": "billing"}' }), NOW).fields?.meta).toEqual({ team: 'billing' });
  });

  it('builds rate limits, remaining and refill, and checks their numbers', () => {
    const ok = validateKeyForm(
      form({ ratelimit: 'custom', ratelimitLimit: '10', ratelimitWindow: '2', ratelimitUnit: 'second', limitUses: true, remaining: '50', refill: 'monthly', refillAmount: '50', refillDay: '15' }),
      NOW,
    );
    expect(ok.fields).toMatchObject({
      ratelimit: { type: 'fast', limit: 10, durationMs: 2000 },
      remaining: 50,
      refill: { interval: 'monthly', amount: 50, refillDay: 15 },
    });
    const bad = validateKeyForm(form({ ratelimit: 'custom', ratelimitLimit: '0', ratelimitWindow: '31', ratelimitUnit: 'day', limitUses: true, remaining: '-1', refill: 'daily', refillAmount: 'x' }), NOW);
    expect(Object.keys(bad.errors).sort()).toEqual(['ratelimitLimit', 'ratelimitWindow', 'refillAmount', 'remaining']);
  });

  it('checks scopes, permission and role names', () => {
    expect(validateKeyForm(form({ scope: 'custom', customScopes: '' }), NOW).errors.customScopes).toBeTruthy();
    expect(validateKeyForm(form({ scope: 'custom', customScopes: 'keys:read, Bad Scope' }), NOW).errors.customScopes).toMatch(/"Bad"/);
    expect(validateKeyForm(form({ scope: 'custom', customScopes: 'keys:read analytics:read' }), NOW).fields?.scopes).toEqual(['keys:read', 'analytics:read']);
    expect(validateKeyForm(form({ permissions: 'docs.read, dóc' }), NOW).errors.permissions).toMatch(/dóc/);
    expect(validateKeyForm(form({ roles: 'editor viewer' }), NOW).fields?.roles).toEqual(['editor', 'viewer']);
  });
});

describe('formFieldFor', () => {
  it('maps the API’s field names onto the form’s inputs', () => {
    expect(formFieldFor('ratelimit.duration')).toBe('ratelimitWindow');
    expect(formFieldFor('expiresAt')).toBe('expiryDate');
    expect(formFieldFor('meta.nested')).toBe('meta');
    expect(formFieldFor('recoverable')).toBeNull();
    expect(formFieldFor(null)).toBeNull();
  });
});

describe('changedFields', () => {
  it('keeps only what changed', () => {
    const a = validateKeyForm(form({ limitUses: true, remaining: '10' }), NOW).fields;
    const b = validateKeyForm(form({ name: 'renamed', limitUses: true, remaining: '10' }), NOW).fields;
    if (!a || !b) throw new Error('invalid');
    expect(changedFields(a, b)).toEqual({ name: 'renamed' });
  });
});
