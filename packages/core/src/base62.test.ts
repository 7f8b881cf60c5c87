import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BASE62_ALPHABET, base62Length, encodeBase62, encodeBase62Fixed } from "./base62";

// Independent reference: BigInt arithmetic instead of long division.
function referenceEncode(bytes: Uint8Array): string {
  let value = 0n;
  for (const b of bytes) value = value * 256n + BigInt(b);
  let out = "";
  while (value > 0n) {
    out = BASE62_ALPHABET[Number(value % 62n)] + out;
    value /= 62n;
  }
  return out.padStart(base62Length(bytes.length), "0");
}

describe("base62", () => {
  it("uses the 0-9A-Za-z alphabet", () => {
    expect(BASE62_ALPHABET).toBe("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
  });

  it("base62Length is the smallest width holding every value of n bytes", () => {
    for (let n = 1; n <= 300; n++) {
      const width = base62Length(n);
      expect(62n ** BigInt(width) >= 256n ** BigInt(n)).toBe(true);
      expect(62n ** BigInt(width - 1) < 256n ** BigInt(n)).toBe(true);
    }
    expect(base62Length(16)).toBe(22);
    expect(base62Length(255)).toBe(343);
  });

  it("encodes with fixed width, zero-padded", () => {
    expect(encodeBase62(new Uint8Array(16))).toBe("0".repeat(22));
    expect(encodeBase62(Uint8Array.of(0, 0, 1))).toBe("00001");
    expect(encodeBase62(Uint8Array.of(62))).toBe("10");
    expect(encodeBase62(new Uint8Array(0))).toBe("");
  });

  it("matches a BigInt reference for random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), (bytes) => {
        expect(encodeBase62(bytes)).toBe(referenceEncode(bytes));
      }),
    );
  });

  it("encodeBase62Fixed pads, fits 32-bit values in 6 chars, and refuses overflow", () => {
    expect(encodeBase62Fixed(0, 6)).toBe("000000");
    expect(encodeBase62Fixed(61, 2)).toBe("0z");
    expect(encodeBase62Fixed(62, 2)).toBe("10");
    expect(encodeBase62Fixed(0xffffffff, 6)).toBe("4gfFC3");
    expect(() => encodeBase62Fixed(62 ** 2, 2)).toThrow(RangeError);
    expect(() => encodeBase62Fixed(-1, 6)).toThrow(RangeError);
    expect(() => encodeBase62Fixed(1.5, 6)).toThrow(RangeError);
  });
});
