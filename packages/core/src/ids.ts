/**
 * Public resource ids: `<kind>_<16 base62 chars>` (≈95 random bits), e.g.
 * `key_3hQ9…`. Unlike key bodies these carry no checksum; they are not secrets.
 */

import { BASE62_ALPHABET } from "./base62";
import { type RandomBytes, systemRandomBytes } from "./random";

export const ID_RANDOM_LENGTH = 16;

// Lowercase and no '_' so an id splits unambiguously at its first '_'.
const KIND_PATTERN = /^[a-z][a-z0-9]{0,15}$/;

// Bytes >= 248 are redrawn: 248 = 4 * 62, so `byte % 62` stays uniform.
const UNBIASED_LIMIT = 248;

export function newId(kind: string, opts: { randomBytes?: RandomBytes } = {}): string {
  if (!KIND_PATTERN.test(kind)) {
    throw new RangeError(`id kind must be 1-16 lowercase letters or digits starting with a letter, got "${kind}"`);
  }
  const randomBytes = opts.randomBytes ?? systemRandomBytes;
  let suffix = "";
  while (suffix.length < ID_RANDOM_LENGTH) {
    // A little more than needed so one draw almost always suffices.
    const draw = randomBytes(ID_RANDOM_LENGTH + 8);
    if (draw.length === 0) throw new RangeError("randomBytes returned no bytes");
    for (const byte of draw) {
      if (byte >= UNBIASED_LIMIT) continue;
      suffix += BASE62_ALPHABET[byte % 62];
      if (suffix.length === ID_RANDOM_LENGTH) break;
    }
  }
  return `${kind}_${suffix}`;
}
