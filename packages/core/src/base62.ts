/**
 * Base62 in the "0-9A-Za-z" order used by GitHub tokens and most key formats.
 *
 * Encodings are fixed-width so that the length of a key body reveals the byte
 * length it was generated from, which lets `parseKey` reject bodies of
 * impossible lengths without decoding them.
 */

export const BASE62_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

const LOG2_62 = Math.log2(62);

/** Characters needed to hold any value of `byteLength` bytes: ceil(byteLength * 8 / log2(62)). */
export function base62Length(byteLength: number): number {
  return Math.ceil((byteLength * 8) / LOG2_62);
}

/**
 * Big-endian bytes → base62, left-padded with '0' to `base62Length(bytes.length)`.
 * Schoolbook long division by 62; quadratic, but keys are at most 255 bytes.
 */
export function encodeBase62(bytes: Uint8Array): string {
  const width = base62Length(bytes.length);
  const dividend = Array.from(bytes);
  const digits: string[] = new Array<string>(width).fill("0");
  let start = 0;
  for (let pos = width - 1; pos >= 0 && start < dividend.length; pos--) {
    let remainder = 0;
    for (let i = start; i < dividend.length; i++) {
      const acc = remainder * 256 + (dividend[i] as number);
      dividend[i] = Math.floor(acc / 62);
      remainder = acc % 62;
    }
    digits[pos] = BASE62_ALPHABET[remainder] as string;
    while (start < dividend.length && dividend[start] === 0) start++;
  }
  return digits.join("");
}

/** A non-negative safe integer as exactly `width` base62 characters (used for checksums). */
export function encodeBase62Fixed(n: number, width: number): string {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`encodeBase62Fixed: ${n} is not a non-negative safe integer`);
  }
  let out = "";
  let rest = n;
  for (let i = 0; i < width; i++) {
    out = BASE62_ALPHABET[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  if (rest !== 0) throw new RangeError(`encodeBase62Fixed: ${n} does not fit in ${width} characters`);
  return out;
}
