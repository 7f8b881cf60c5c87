/**
 * The one randomness source. Functions that draw random bytes accept a
 * `RandomBytes` override so tests can be deterministic.
 */

import { randomBytes } from "node:crypto";

export type RandomBytes = (n: number) => Uint8Array;

/** The OS CSPRNG. */
export const systemRandomBytes: RandomBytes = randomBytes;
