/**
 * API keys: `<prefix>_<body><checksum>`.
 *
 * - prefix: 1–16 chars of [A-Za-z0-9_]; it may itself contain underscores
 *   (`rybbit_sk_live`), which is why the separator is the LAST '_' in the key.
 * - body: fixed-width base62 of `byteLength` (16–255) CSPRNG bytes. Each byte
 *   length has its own body length, so a body of any other length is malformed.
 * - checksum: 6 base62 chars of CRC-32 over `prefix + "_" + body`. Covering the
 *   prefix and separator means any single-character substitution is detected
 *   offline, before a cache or database lookup.
 *
 * Only `hashKey(key)` (SHA-256, lowercase hex) is ever stored.
 */

import * as crypto from "node:crypto";
import { BASE62_ALPHABET, base62Length, encodeBase62, encodeBase62Fixed } from "./base62";
import { crc32, crc32Finish, crc32Start, crc32Update } from "./crc32";
import { type RandomBytes, systemRandomBytes } from "./random";

export const MIN_BYTE_LENGTH = 16;
export const MAX_BYTE_LENGTH = 255;
export const DEFAULT_BYTE_LENGTH = 16;
export const MAX_PREFIX_LENGTH = 16;
export const CHECKSUM_LENGTH = 6;
/** Body characters shown in `start`, the display-safe part of a key. */
export const START_BODY_LENGTH = 4;
export const MAX_KEY_LENGTH = MAX_PREFIX_LENGTH + 1 + base62Length(MAX_BYTE_LENGTH) + CHECKSUM_LENGTH;

const MIN_BODY_LENGTH = base62Length(MIN_BYTE_LENGTH);
const MAX_BODY_LENGTH = base62Length(MAX_BYTE_LENGTH);

/** Regex source matching any well-formed key (checksum not verified); see `keyPattern`. */
export const KEY_PATTERN_SOURCE = keyPatternSource(`[A-Za-z0-9_]{1,${MAX_PREFIX_LENGTH}}`);

export class KeyFormatError extends Error {
  override name = "KeyFormatError";
}

export interface GeneratedKey {
  /** The plaintext key: shown once, never stored. */
  key: string;
  prefix: string;
  start: string;
  hash: string;
}

export type ParseKeyResult =
  | { ok: true; prefix: string; body: string; checksum: string }
  | { ok: false; reason: "malformed" | "bad_checksum" | "too_long" };

// Char-code lookup tables: faster than a regex on the verification hot path.
// CHAR_CLASS covers every UTF-16 code unit so no range check is needed.
const INVALID = 0;
const PREFIX_ONLY = 1;
const BASE62 = 2;
const CHAR_CLASS = new Uint8Array(65536);
const BASE62_VALUE = new Uint8Array(128);
for (let i = 0; i < BASE62_ALPHABET.length; i++) {
  const code = BASE62_ALPHABET.charCodeAt(i);
  CHAR_CLASS[code] = BASE62;
  BASE62_VALUE[code] = i;
}
const UNDERSCORE = "_".charCodeAt(0);
CHAR_CLASS[UNDERSCORE] = PREFIX_ONLY;

const VALID_BODY_LENGTH = new Uint8Array(MAX_BODY_LENGTH + 1);
for (let n = MIN_BYTE_LENGTH; n <= MAX_BYTE_LENGTH; n++) VALID_BODY_LENGTH[base62Length(n)] = 1;

const PREFIX_RULE = `prefix must be 1-${MAX_PREFIX_LENGTH} characters of A-Z, a-z, 0-9 or "_"`;

export function isValidPrefix(prefix: string): boolean {
  if (prefix.length < 1 || prefix.length > MAX_PREFIX_LENGTH) return false;
  for (let i = 0; i < prefix.length; i++) {
    if (CHAR_CLASS[prefix.charCodeAt(i)] === INVALID) return false;
  }
  return true;
}

/** `start`: prefix, separator and the first 4 body characters, e.g. `rybbit_sk_live_7Gx2`. */
export function keyStart(prefix: string, body: string): string {
  return `${prefix}_${body.slice(0, START_BODY_LENGTH)}`;
}

export function generateKey(
  { prefix, byteLength = DEFAULT_BYTE_LENGTH }: { prefix: string; byteLength?: number },
  opts: { randomBytes?: RandomBytes } = {},
): GeneratedKey {
  if (!isValidPrefix(prefix)) {
    throw new KeyFormatError(PREFIX_RULE);
  }
  if (!Number.isInteger(byteLength) || byteLength < MIN_BYTE_LENGTH || byteLength > MAX_BYTE_LENGTH) {
    throw new KeyFormatError(
      `byteLength must be an integer from ${MIN_BYTE_LENGTH} to ${MAX_BYTE_LENGTH}, got ${byteLength}`,
    );
  }
  const bytes = (opts.randomBytes ?? systemRandomBytes)(byteLength);
  if (bytes.length !== byteLength) {
    throw new RangeError(`randomBytes returned ${bytes.length} bytes, expected ${byteLength}`);
  }
  const body = encodeBase62(bytes);
  const unchecked = `${prefix}_${body}`;
  const key = unchecked + encodeBase62Fixed(crc32(unchecked), CHECKSUM_LENGTH);
  return { key, prefix, start: keyStart(prefix, body), hash: hashKey(key) };
}

// crypto.hash (Node >= 20.12) skips the Hash object that createHash allocates.
const sha256Hex: (input: string) => string =
  typeof crypto.hash === "function"
    ? (input) => crypto.hash("sha256", input, "hex")
    : (input) => crypto.createHash("sha256").update(input).digest("hex");

/** SHA-256 of the whole key as lowercase hex: the one stored encoding. */
export function hashKey(key: string): string {
  return sha256Hex(key);
}

const MALFORMED: ParseKeyResult = Object.freeze({ ok: false, reason: "malformed" });
const BAD_CHECKSUM: ParseKeyResult = Object.freeze({ ok: false, reason: "bad_checksum" });
const TOO_LONG: ParseKeyResult = Object.freeze({ ok: false, reason: "too_long" });

type KeyDefect = "malformed" | "bad_checksum" | "too_long";

/**
 * Checks shape and checksum without hashing, so typos and random strings are
 * rejected before any cache or database work. Never throws. One pass over the
 * key validates each character and feeds it to the CRC.
 */
function keyDefect(raw: unknown): KeyDefect | null {
  if (typeof raw !== "string" || raw.length === 0) return "malformed";
  const length = raw.length;
  if (length > MAX_KEY_LENGTH) return "too_long";

  const sep = raw.lastIndexOf("_");
  if (sep < 1 || sep > MAX_PREFIX_LENGTH) return "malformed";
  const checksumStart = length - CHECKSUM_LENGTH;
  if (VALID_BODY_LENGTH[checksumStart - sep - 1] !== 1) return "malformed";

  let crc = crc32Start;
  for (let i = 0; i < sep; i++) {
    const code = raw.charCodeAt(i);
    if (CHAR_CLASS[code] === INVALID) return "malformed";
    crc = crc32Update(crc, code);
  }
  crc = crc32Update(crc, UNDERSCORE);
  for (let i = sep + 1; i < checksumStart; i++) {
    const code = raw.charCodeAt(i);
    if (CHAR_CLASS[code] !== BASE62) return "malformed";
    crc = crc32Update(crc, code);
  }
  let checksum = 0;
  for (let i = checksumStart; i < length; i++) {
    const code = raw.charCodeAt(i);
    if (CHAR_CLASS[code] !== BASE62) return "malformed";
    checksum = checksum * 62 + (BASE62_VALUE[code] as number);
  }

  // Base62 is a bijection below 62^6, so comparing numbers equals comparing encodings.
  return crc32Finish(crc) === checksum ? null : "bad_checksum";
}

const REFUSALS: Record<KeyDefect, ParseKeyResult> = { malformed: MALFORMED, bad_checksum: BAD_CHECKSUM, too_long: TOO_LONG };

/** The key split into its parts, or why it is not a key; see `keyDefect` for the checks. */
export function parseKey(raw: unknown): ParseKeyResult {
  const defect = keyDefect(raw);
  if (defect !== null) return REFUSALS[defect];
  const key = raw as string;
  const sep = key.lastIndexOf("_");
  const checksumStart = key.length - CHECKSUM_LENGTH;
  return { ok: true, prefix: key.slice(0, sep), body: key.slice(sep + 1, checksumStart), checksum: key.slice(checksumStart) };
}

/** `parseKey(raw).ok` without building the parts: what the verification hot path needs. */
export function isWellFormedKey(raw: unknown): raw is string {
  return keyDefect(raw) === null;
}

/**
 * A fresh global regex for secret scanners: finds keys inside surrounding text
 * (word boundaries, not ^$). Without a prefix it matches any valid prefix. A
 * match is a candidate; confirm it with `parseKey`, which checks the checksum.
 * It is global so `String.prototype.matchAll` works; note that `.test()` on a
 * global regex advances `lastIndex`.
 */
export function keyPattern(prefix?: string): RegExp {
  if (prefix === undefined) return new RegExp(KEY_PATTERN_SOURCE, "g");
  if (!isValidPrefix(prefix)) {
    throw new KeyFormatError(PREFIX_RULE);
  }
  // Prefix characters are all regex-literal, so no escaping is needed.
  return new RegExp(keyPatternSource(prefix), "g");
}

function keyPatternSource(prefixSource: string): string {
  const tailMin = MIN_BODY_LENGTH + CHECKSUM_LENGTH;
  const tailMax = MAX_BODY_LENGTH + CHECKSUM_LENGTH;
  return `\\b${prefixSource}_[0-9A-Za-z]{${tailMin},${tailMax}}\\b`;
}
