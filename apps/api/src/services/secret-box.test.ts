import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from './secret-box';

describe('secret box', () => {
  const box = createSecretBox(randomBytes(32));

  it('round-trips and never shows the plaintext in the sealed form', () => {
    const sealed = box.seal('kw_secret_value');
    expect(sealed).not.toContain('kw_secret_value');
    expect(box.open(sealed)).toBe('kw_secret_value');
  });

  it('uses a fresh IV each time', () => {
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('refuses a tampered or foreign ciphertext', () => {
    const sealed = Buffer.from(box.seal('x'), 'base64url');
    sealed[sealed.length - 1] = (sealed[sealed.length - 1] ?? 0) ^ 1;
    expect(() => box.open(sealed.toString('base64url'))).toThrow();
    expect(() => createSecretBox(randomBytes(32)).open(box.seal('x'))).toThrow();
  });

  it('rejects a key of the wrong size', () => {
    expect(() => createSecretBox(randomBytes(16))).toThrow(/32-byte/);
  });
});
