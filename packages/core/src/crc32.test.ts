import { crc32 as zlibCrc32 } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { crc32, crc32Finish, crc32Start, crc32Update } from "./crc32";

describe("crc32", () => {
  it("matches the IEEE check value", () => {
    expect(crc32("123456789")).toBe(0xcbf43926);
    expect(crc32("")).toBe(0);
  });

  it("matches node:zlib for ASCII strings, whole and by range", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary-ascii", maxLength: 400 }), fc.nat(), fc.nat(), (s, a, b) => {
        expect(crc32(s)).toBe(zlibCrc32(s));
        const from = Math.min(a, b) % (s.length + 1);
        const to = Math.max(from, Math.max(a, b) % (s.length + 1));
        expect(crc32(s, from, to)).toBe(zlibCrc32(s.slice(from, to)));
      }),
    );
  });

  it("incremental use equals the whole-string function", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary-ascii", maxLength: 100 }), (s) => {
        let state = crc32Start;
        for (let i = 0; i < s.length; i++) state = crc32Update(state, s.charCodeAt(i));
        expect(crc32Finish(state)).toBe(crc32(s));
      }),
    );
  });
});
