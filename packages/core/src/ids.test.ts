import { describe, expect, it } from "vitest";
import { BASE62_ALPHABET } from "./base62";
import { ID_RANDOM_LENGTH, newId } from "./ids";

describe("newId", () => {
  it.each(["key", "user", "org", "api", "sa", "role", "perm", "req"])("formats %s ids", (kind) => {
    expect(newId(kind)).toMatch(new RegExp(`^${kind}_[0-9A-Za-z]{${ID_RANDOM_LENGTH}}$`));
  });

  it("is deterministic with injected bytes, mapping byte % 62", () => {
    const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => i);
    expect(newId("key", { randomBytes: bytes })).toBe(`key_${BASE62_ALPHABET.slice(0, 16)}`);
    expect(newId("key", { randomBytes: (n) => new Uint8Array(n).fill(62 + 61) })).toBe(`key_${"z".repeat(16)}`);
  });

  it("redraws bytes >= 248 so every character is equally likely", () => {
    const draws = [new Uint8Array(24).fill(248), new Uint8Array(24).fill(255), new Uint8Array(24).fill(247)];
    let call = 0;
    const id = newId("req", { randomBytes: () => draws[call++] as Uint8Array });
    expect(call).toBe(3);
    expect(id).toBe(`req_${BASE62_ALPHABET[247 % 62]?.repeat(16)}`);
  });

  it("does not spin on an empty random source", () => {
    expect(() => newId("key", { randomBytes: () => new Uint8Array(0) })).toThrow(RangeError);
  });

  it("produces distinct ids", () => {
    const ids = new Set(Array.from({ length: 2000 }, () => newId("key")));
    expect(ids.size).toBe(2000);
  });

  it.each(["", "Key", "api_key", "1key", "k-ey", "a".repeat(17)])("rejects kind %j", (kind) => {
    expect(() => newId(kind)).toThrow(RangeError);
  });
});
