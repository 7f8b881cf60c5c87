import type { Key } from '../api';

/** Everything the create and edit forms hold, as the inputs hold it (strings). */
export interface KeyFormValues {
  name: string;
  description: string;
  scope: 'read-write' | 'read' | 'custom';
  customScopes: string;
  permissions: string;
  roles: string;
  expiry: 'keep' | 'never' | '7' | '30' | '90' | 'custom';
  expiryDate: string;
  ratelimit: 'plan' | 'custom';
  ratelimitLimit: string;
  ratelimitWindow: string;
  ratelimitUnit: 'second' | 'minute' | 'hour' | 'day';
  limitUses: boolean;
  remaining: string;
  refill: 'none' | 'daily' | 'monthly';
  refillAmount: string;
  refillDay: string;
  meta: string;
  environment: string;
  ownerId: string;
  externalId: string;
}

export type KeyFormField = Exclude<keyof KeyFormValues, 'scope' | 'expiry' | 'ratelimit' | 'ratelimitUnit' | 'limitUses' | 'refill'>;
export type KeyFormErrors = Partial<Record<KeyFormField, string>>;

/** What the form produces: the fields of `keys.create` / `keys.update`. */
export interface KeyFields {
  name: string;
  description: string | null;
  scopes: string[];
  permissions: string[];
  roles: string[];
  expiresAt?: Date | null;
  ratelimit: { type: 'fast'; limit: number; durationMs: number } | null;
  remaining: number | null;
  refill: { interval: 'daily' | 'monthly'; amount: number; refillDay?: number | null } | null;
  meta: Record<string, unknown> | null;
  environment: string | null;
  ownerId: string | null;
  externalId: string | null;
}

export const EMPTY_FORM: KeyFormValues = {
  name: '',
  description: '',
  scope: 'read-write',
  customScopes: '',
  permissions: '',
  roles: '',
  expiry: 'never',
  expiryDate: '',
  ratelimit: 'plan',
  ratelimitLimit: '100',
  ratelimitWindow: '1',
  ratelimitUnit: 'minute',
  limitUses: false,
  remaining: '1000',
  refill: 'none',
  refillAmount: '1000',
  refillDay: '1',
  meta: '',
  environment: '',
  ownerId: '',
  externalId: '',
};

const UNIT_MS = { second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
const MAX_INT = 2_147_483_647;
const MAX_WINDOW_MS = 30 * 86_400_000;
const NAME_PATTERN = /^[a-zA-Z0-9_.:*-]{1,512}$/;
const SCOPE_PATTERN = /^(\*|read|read-write|[a-z0-9_.-]{1,64}:[a-z0-9_.*-]{1,64}|\*:[a-z0-9_.*-]{1,64})$/;

export const splitList = (s: string) =>
  s
    .split(/[\s,]+/)
    .map((x) => x.trim())
    .filter(Boolean);

function parseCount(raw: string, min: number, max: number): number | null {
  if (!/^\d+$/.test(raw.trim())) return null;
  const n = Number(raw.trim());
  return n >= min && n <= max ? n : null;
}

/** The end of a yyyy-mm-dd day in the browser's time zone. */
export function endOfDay(date: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59, 999);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * Validates the form the way the API will (so most mistakes are caught before a round
 * trip) and builds the procedure input. `now` makes expiry presets testable.
 */
export function validateKeyForm(v: KeyFormValues, now: number): { errors: KeyFormErrors; fields: KeyFields | null } {
  const errors: KeyFormErrors = {};
  const name = v.name.trim();
  if (!name) errors.name = 'Give the key a name';
  else if (name.length > 200) errors.name = 'Use at most 200 characters';
  if (v.description.length > 1000) errors.description = 'Use at most 1000 characters';

  let scopes: string[] = [v.scope];
  if (v.scope === 'custom') {
    scopes = splitList(v.customScopes);
    const bad = scopes.find((s) => !SCOPE_PATTERN.test(s));
    if (scopes.length === 0) errors.customScopes = 'List at least one scope, such as keys:read';
    else if (bad) errors.customScopes = `"${bad}" is not a scope: use read, read-write or resource:action`;
    else if (scopes.length > 64) errors.customScopes = 'Use at most 64 scopes';
  }
  const permissions = splitList(v.permissions);
  const roles = splitList(v.roles);
  for (const [field, list] of [
    ['permissions', permissions],
    ['roles', roles],
  ] as const) {
    const bad = list.find((p) => !NAME_PATTERN.test(p));
    if (bad) errors[field] = `"${bad.slice(0, 40)}" may only use letters, digits and _ . : * -`;
    else if (list.length > 100) errors[field] = 'Use at most 100 names';
  }

  let expiresAt: Date | null | undefined;
  const DAY = 86_400_000;
  switch (v.expiry) {
    case 'keep':
      expiresAt = undefined;
      break;
    case 'never':
      expiresAt = null;
      break;
    case 'custom': {
      const d = endOfDay(v.expiryDate);
      if (!d) errors.expiryDate = 'Pick a date';
      else if (d.getTime() <= now) errors.expiryDate = 'Pick a date in the future';
      expiresAt = d;
      break;
    }
    default:
      expiresAt = new Date(now + Number(v.expiry) * DAY);
  }

  let ratelimit: KeyFields['ratelimit'] = null;
  if (v.ratelimit === 'custom') {
    const limit = parseCount(v.ratelimitLimit, 1, 1_000_000_000);
    const windowCount = parseCount(v.ratelimitWindow, 1, 1_000_000);
    if (limit === null) errors.ratelimitLimit = 'Enter a whole number of at least 1';
    if (windowCount === null) errors.ratelimitWindow = 'Enter a whole number of at least 1';
    const durationMs = (windowCount ?? 0) * UNIT_MS[v.ratelimitUnit];
    if (windowCount !== null && (durationMs < 1000 || durationMs > MAX_WINDOW_MS)) {
      errors.ratelimitWindow = 'The window must be between 1 second and 30 days';
    }
    if (limit !== null && windowCount !== null) ratelimit = { type: 'fast', limit, durationMs };
  }

  let remaining: number | null = null;
  let refill: KeyFields['refill'] = null;
  if (v.limitUses) {
    remaining = parseCount(v.remaining, 0, MAX_INT);
    if (remaining === null) errors.remaining = 'Enter a whole number from 0';
    if (v.refill !== 'none') {
      const amount = parseCount(v.refillAmount, 1, MAX_INT);
      if (amount === null) errors.refillAmount = 'Enter a whole number of at least 1';
      let refillDay: number | null = null;
      if (v.refill === 'monthly') {
        refillDay = parseCount(v.refillDay, 1, 31);
        if (refillDay === null) errors.refillDay = 'Enter a day from 1 to 31';
      }
      if (amount !== null) refill = { interval: v.refill, amount, ...(v.refill === 'monthly' ? { refillDay } : {}) };
    }
  }

  let meta: Record<string, unknown> | null = null;
  if (v.meta.trim()) {
    try {
      const parsed: unknown = JSON.parse(v.meta);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        errors.meta = 'Metadata must be a JSON object, such as {"team": "billing"}';
      } else if (new TextEncoder().encode(JSON.stringify(parsed)).length > 16 * 1024) {
        errors.meta = 'Metadata must be at most 16 KB of JSON';
      } else meta = parsed as Record<string, unknown>;
    } catch (e) {
      errors.meta = `Not valid JSON: ${e instanceof Error ? e.message : 'parse error'}`;
    }
  }

  const label = (field: 'environment' | 'ownerId' | 'externalId') => {
    const s = v[field].trim();
    if (s.length > 256) errors[field] = 'Use at most 256 characters';
    return s || null;
  };
  const environment = label('environment');
  const ownerId = label('ownerId');
  const externalId = label('externalId');

  if (Object.keys(errors).length > 0) return { errors, fields: null };
  return {
    errors,
    fields: {
      name,
      description: v.description.trim() || null,
      scopes,
      permissions,
      roles,
      ...(expiresAt !== undefined ? { expiresAt } : {}),
      ratelimit,
      remaining,
      refill,
      meta,
      environment,
      ownerId,
      externalId,
    },
  };
}

/** The API names fields after its input (`ratelimit.limit`); the form after its inputs. */
export function formFieldFor(apiField: string | null): KeyFormField | null {
  if (!apiField) return null;
  const map: Record<string, KeyFormField> = {
    name: 'name',
    description: 'description',
    scopes: 'customScopes',
    permissions: 'permissions',
    roles: 'roles',
    expiresAt: 'expiryDate',
    'ratelimit.limit': 'ratelimitLimit',
    'ratelimit.duration': 'ratelimitWindow',
    'ratelimit.durationMs': 'ratelimitWindow',
    remaining: 'remaining',
    refill: 'refillAmount',
    'refill.amount': 'refillAmount',
    'refill.refillDay': 'refillDay',
    meta: 'meta',
    environment: 'environment',
    ownerId: 'ownerId',
    externalId: 'externalId',
  };
  return map[apiField] ?? map[apiField.split('.')[0] ?? ''] ?? null;
}

/** A key's current settings as form values, for the edit dialog. */
export function formFromKey(k: Key): KeyFormValues {
  const scope = k.scopes.length === 1 && (k.scopes[0] === 'read-write' || k.scopes[0] === 'read') ? k.scopes[0] : 'custom';
  const own = !k.ratelimit.inherited;
  const [windowCount, unit] = own ? splitDuration(k.ratelimit.durationMs) : ['1', 'minute' as const];
  return {
    ...EMPTY_FORM,
    name: k.name ?? '',
    description: k.description ?? '',
    scope,
    customScopes: scope === 'custom' ? k.scopes.join(', ') : '',
    permissions: k.permissions.join(', '),
    roles: k.roles.join(', '),
    expiry: k.expiresAt ? 'keep' : 'never',
    ratelimit: own ? 'custom' : 'plan',
    ratelimitLimit: own ? String(k.ratelimit.limit) : EMPTY_FORM.ratelimitLimit,
    ratelimitWindow: windowCount,
    ratelimitUnit: unit,
    limitUses: k.remaining !== null,
    remaining: k.remaining !== null ? String(k.remaining) : EMPTY_FORM.remaining,
    refill: k.refillInterval ?? 'none',
    refillAmount: k.refillAmount !== null ? String(k.refillAmount) : EMPTY_FORM.refillAmount,
    refillDay: k.refillDay !== null ? String(k.refillDay) : '1',
    meta: k.meta && Object.keys(k.meta).length > 0 ? JSON.stringify(k.meta, null, 2) : '',
    environment: k.environment ?? '',
    ownerId: k.ownerId ?? '',
    externalId: k.externalId ?? '',
  };
}

function splitDuration(ms: number): [string, KeyFormValues['ratelimitUnit']] {
  for (const unit of ['day', 'hour', 'minute', 'second'] as const) {
    if (ms % UNIT_MS[unit] === 0) return [String(ms / UNIT_MS[unit]), unit];
  }
  return [String(Math.max(1, Math.round(ms / 1000))), 'second'];
}

/** Only what changed, so an edit never resets a counter it did not touch. */
export function changedFields(before: KeyFields, after: KeyFields): Partial<KeyFields> {
  const out: Partial<KeyFields> = {};
  for (const k of Object.keys(after) as (keyof KeyFields)[]) {
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) Object.assign(out, { [k]: after[k] });
  }
  return out;
}
