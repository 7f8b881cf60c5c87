import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const KEY_LENGTH = 32;
const R = 8;
const P = 1;

function derive(password: string, salt: Buffer, logN: number): Promise<Buffer> {
  const N = 2 ** logN;
  return new Promise((resolve, reject) =>
    // maxmem must cover 128·N·r bytes; scrypt's default cap is below N = 2^15.
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { N, r: R, p: P, maxmem: 256 * N * R }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** scrypt (memory-hard), self-describing so the cost can rise without invalidating old hashes. */
export async function hashPassword(password: string, logN: number): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, logN);
  return `scrypt$${logN}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, logN, salt, expected] = stored.split('$');
  if (scheme !== 'scrypt' || !logN || !salt || !expected) return false;
  const key = await derive(password, Buffer.from(salt, 'base64url'), Number(logN));
  const want = Buffer.from(expected, 'base64url');
  return want.length === key.length && timingSafeEqual(key, want);
}

/** Spent on unknown emails so response time does not reveal which accounts exist. */
export const DUMMY_HASH = 'scrypt$12$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
