import { createHash } from 'node:crypto';
import { newId } from '@keyward/core';
import { type Db, idempotencyRecords } from '@keyward/db';
import { and, eq, lt, or } from 'drizzle-orm';
import { badRequest, conflict, ServiceError } from './errors';
import type { SecretBox } from './secret-box';

export interface IdempotentResponse {
  status: number;
  body: unknown;
}

export interface IdempotencyRequest {
  userId: string;
  /** The client's `Idempotency-Key` header, unvalidated. */
  key: string;
  /** Method and path: the same key on another endpoint is a different request. */
  route: string;
  /** The validated request body; what "the same request" means. */
  body: unknown;
}

export interface IdempotencyOptions {
  /** How long a response is replayed (Stripe: 24 h). */
  ttlMs?: number;
  /** A claim older than this is taken to belong to a process that died mid-request. */
  pendingLeaseMs?: number;
  /** How long a concurrent duplicate waits for the first request before a 409. */
  waitMs?: number;
  pollMs?: number;
  now?: () => number;
}

/** 1-255 printable ASCII characters: UUIDs, ULIDs and the like, nothing that needs escaping. */
const KEY_SHAPE = /^[\x20-\x7E]{1,255}$/;

/**
 * `Idempotency-Key` semantics for requests that mint secrets. The first request claims
 * (user, key) with a pending row, relying on the table's unique index, so two concurrent
 * requests can never both run; the response is stored sealed with the secret box (it holds
 * a plaintext key) and replayed byte-for-byte for `ttlMs`. The same key with another request
 * is a 422; a duplicate that arrives while the first runs waits for its result.
 * A request that fails releases its claim, so a retry can succeed (nothing was created).
 */
export function createIdempotencyService(db: Db, box: SecretBox, opts: IdempotencyOptions = {}) {
  const ttlMs = opts.ttlMs ?? 24 * 3600 * 1000;
  const leaseMs = opts.pendingLeaseMs ?? 60_000;
  const waitMs = opts.waitMs ?? 10_000;
  const pollMs = opts.pollMs ?? 25;
  const now = opts.now ?? Date.now;

  /** Clears the user's expired records and an abandoned claim on this key, then tries to claim it. */
  async function claim(userId: string, key: string, requestHash: string): Promise<string | null> {
    const t = now();
    await db
      .delete(idempotencyRecords)
      .where(
        and(
          eq(idempotencyRecords.userId, userId),
          or(
            lt(idempotencyRecords.expiresAt, new Date(t)),
            and(
              eq(idempotencyRecords.idempotencyKey, key),
              eq(idempotencyRecords.state, 'pending'),
              lt(idempotencyRecords.createdAt, new Date(t - leaseMs)),
            ),
          ),
        ),
      );
    const id = newId('idem');
    const [row] = await db
      .insert(idempotencyRecords)
      .values({ id, userId, idempotencyKey: key, requestHash, state: 'pending', createdAt: new Date(t), expiresAt: new Date(t + ttlMs) })
      .onConflictDoNothing()
      .returning({ id: idempotencyRecords.id });
    return row?.id ?? null;
  }

  async function execute(id: string, exec: () => Promise<IdempotentResponse>): Promise<IdempotentResponse> {
    let response: IdempotentResponse;
    try {
      response = await exec();
    } catch (err) {
      // Nothing was created, so a retry with the same key must be free to run. If even this
      // delete fails, the claim's lease frees the key later; the caller sees the real error.
      await db
        .delete(idempotencyRecords)
        .where(eq(idempotencyRecords.id, id))
        .catch(() => undefined);
      throw err;
    }
    await db
      .update(idempotencyRecords)
      .set({ state: 'done', statusCode: response.status, responseCiphertext: box.seal(JSON.stringify(response.body)) })
      .where(eq(idempotencyRecords.id, id));
    return response;
  }

  function replay(row: { statusCode: number | null; responseCiphertext: string | null }): IdempotentResponse {
    try {
      if (row.statusCode === null || row.responseCiphertext === null) throw new Error('incomplete record');
      return { status: row.statusCode, body: JSON.parse(box.open(row.responseCiphertext)) };
    } catch {
      // Sealed by another process's ephemeral key (no KEYWARD_ENCRYPTION_KEY) or with a key
      // since rotated: the result exists but cannot be shown, and minting again would make two.
      throw conflict(
        'The result of this Idempotency-Key cannot be replayed by this server (it was sealed with another encryption key); use a new Idempotency-Key',
        'Idempotency-Key',
      );
    }
  }

  async function run(req: IdempotencyRequest, exec: () => Promise<IdempotentResponse>): Promise<IdempotentResponse & { replayed: boolean }> {
    if (!KEY_SHAPE.test(req.key)) {
      throw badRequest('Idempotency-Key must be 1-255 printable ASCII characters', 'Idempotency-Key');
    }
    const requestHash = fingerprint(req.route, req.body);
    // A real wait, on the wall clock, whatever clock the records are stamped with.
    const deadline = Date.now() + waitMs;
    for (;;) {
      const id = await claim(req.userId, req.key, requestHash);
      if (id) return { ...(await execute(id, exec)), replayed: false };
      const [row] = await db
        .select()
        .from(idempotencyRecords)
        .where(and(eq(idempotencyRecords.userId, req.userId), eq(idempotencyRecords.idempotencyKey, req.key)));
      // Gone between our claim and this read (the first request failed, or it expired): claim again.
      if (!row) continue;
      if (row.requestHash !== requestHash) {
        throw new ServiceError(
          'UNPROCESSABLE',
          'This Idempotency-Key was already used with a different request; use a new key for a new request',
          'Idempotency-Key',
        );
      }
      if (row.state === 'done') return { ...replay(row), replayed: true };
      if (Date.now() >= deadline) {
        throw conflict('A request with this Idempotency-Key is still being processed; retry shortly', 'Idempotency-Key');
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  return { run };
}

export type IdempotencyService = ReturnType<typeof createIdempotencyService>;

/** SHA-256 over the route and the body with object keys sorted, so key order does not matter. */
function fingerprint(route: string, body: unknown): string {
  return createHash('sha256').update(`${route}\n${canonicalJson(body)}`).digest('hex');
}

/** Only ever given validated bodies, whose depth the surface's schema already bounds. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
