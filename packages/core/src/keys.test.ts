import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BASE62_ALPHABET, base62Length, encodeBase62Fixed } from "./base62";
import { crc32 } from "./crc32";
import {
  CHECKSUM_LENGTH,
  DEFAULT_BYTE_LENGTH,
  generateKey,
  hashKey,
  isValidPrefix,
  isWellFormedKey,
  KEY_PATTERN_SOURCE,
  KeyFormatError,
  keyPattern,
  keyStart,
  MAX_BYTE_LENGTH,
  MAX_KEY_LENGTH,
  MIN_BYTE_LENGTH,
  parseKey,
} from "./keys";

const counting = (n: number) => Uint8Array.from({ length: n }, (_, i) => i);
const filled = (value: number) => (n: number) => new Uint8Array(n).fill(value);

const PREFIX_CHARS = `${BASE62_ALPHABET}_`;
const prefixArb = fc
  .array(fc.constantFrom(...PREFIX_CHARS), { minLength: 1, maxLength: 16 })
  .map((chars) => chars.join(""));
const keyArb = fc.record({
  prefix: prefixArb,
  bytes: fc.integer({ min: MIN_BYTE_LENGTH, max: MAX_BYTE_LENGTH }).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
});
const generate = ({ prefix, bytes }: { prefix: string; bytes: Uint8Array }) =>
  generateKey({ prefix, byteLength: bytes.length }, { randomBytes: () => bytes });

// Replacement candidates: the whole key alphabet plus separator-adjacent and non-ASCII characters.
const REPLACEMENTS = [...PREFIX_CHARS, "-", ".", " ", "\u00e9", "\u0101", "\u{1F511}".charAt(0)];

function substitutions(key: string, position: number): string[] {
  return REPLACEMENTS.filter((c) => c !== key[position]).map((c) => key.slice(0, position) + c + key.slice(position + 1));
}

describe("generateKey", () => {
  it("matches committed vectors (key computed independently in Python, hash by sha256sum)", () => {
    const a = generateKey({ prefix: "rybbit_sk_live" }, { randomBytes: counting });
    expect(a).toEqual({
      key: "rybbit_sk_live_000SYW7RiJxkEgOGusQGwp0QGtzX",
      prefix: "rybbit_sk_live",
      start: "rybbit_sk_live_000S",
      hash: "b3f1faabfb94c4383048ce1c8ca17cb8bb238d13499806a32c96f3b0a59d3dae",
    });
    const b = generateKey({ prefix: "sk", byteLength: 32 }, { randomBytes: filled(0xff) });
    expect(b.key).toBe("sk_yhjskwdA6OZ1AL1YmHWZWm8LLG7HjnuCA2j5rOw8Xp11IM8Ve");
    expect(b.hash).toBe("3157d163bddfa7428ac2928016d5eec567b6e570f84b68438307a950ff78fd5f");
  });

  it("draws byteLength bytes from the CSPRNG by default", () => {
    const lengths: number[] = [];
    const recording = (n: number) => {
      lengths.push(n);
      return counting(n);
    };
    generateKey({ prefix: "sk" }, { randomBytes: recording });
    expect(lengths).toEqual([DEFAULT_BYTE_LENGTH]);
    const a = generateKey({ prefix: "sk" });
    const b = generateKey({ prefix: "sk" });
    expect(a.key).not.toBe(b.key);
    expect(parseKey(a.key).ok).toBe(true);
  });

  it.each([
    ["empty", ""],
    ["17 chars", "a".repeat(17)],
    ["dash", "sk-live"],
    ["space", "sk live"],
    ["non-ASCII", "cl\u00e9"],
  ])("rejects a prefix: %s", (_, prefix) => {
    expect(() => generateKey({ prefix })).toThrow(KeyFormatError);
    expect(() => generateKey({ prefix })).toThrow(/prefix must be 1-16 characters/);
  });

  it.each([15, 256, 16.5, Number.NaN, 0, -16])("rejects byteLength %s", (byteLength) => {
    expect(() => generateKey({ prefix: "sk", byteLength })).toThrow(KeyFormatError);
    expect(() => generateKey({ prefix: "sk", byteLength })).toThrow(/byteLength must be an integer from 16 to 255/);
  });

  it("accepts the byteLength bounds and prefixes at the length bound", () => {
    expect(parseKey(generateKey({ prefix: "a", byteLength: 16 }).key).ok).toBe(true);
    const longest = generateKey({ prefix: "p".repeat(16), byteLength: 255 });
    expect(longest.key).toHaveLength(MAX_KEY_LENGTH);
    expect(parseKey(longest.key).ok).toBe(true);
  });

  it("refuses a randomBytes source that returns the wrong length", () => {
    expect(() => generateKey({ prefix: "sk" }, { randomBytes: () => new Uint8Array(8) })).toThrow(RangeError);
  });

  it("every generated key parses back to its prefix and body; start and hash follow", () => {
    fc.assert(
      fc.property(keyArb, (input) => {
        const generated = generate(input);
        const parsed = parseKey(generated.key);
        expect(parsed.ok).toBe(true);
        if (!parsed.ok) return;
        expect(parsed.prefix).toBe(input.prefix);
        expect(parsed.body).toHaveLength(base62Length(input.bytes.length));
        expect(generated.key).toBe(`${parsed.prefix}_${parsed.body}${parsed.checksum}`);
        expect(parsed.checksum).toHaveLength(CHECKSUM_LENGTH);
        expect(generated.start).toBe(keyStart(parsed.prefix, parsed.body));
        expect(generated.start).toBe(`${input.prefix}_${parsed.body.slice(0, 4)}`);
        expect(generated.hash).toBe(hashKey(generated.key));
      }),
      { numRuns: 300 },
    );
  });
});

describe("single-character substitutions are always detected", () => {
  const fixed = [
    generateKey({ prefix: "rybbit_sk_live" }, { randomBytes: counting }).key,
    generateKey({ prefix: "a" }, { randomBytes: filled(0) }).key,
    generateKey({ prefix: "_x_" }, { randomBytes: filled(0xff) }).key,
    generateKey({ prefix: "sk", byteLength: 255 }, { randomBytes: counting }).key,
  ];

  it.each(fixed)("exhaustively over every position of %s", (key) => {
    for (let position = 0; position < key.length; position++) {
      for (const mutated of substitutions(key, position)) {
        const parsed = parseKey(mutated);
        expect(parsed.ok, `${mutated} (position ${position})`).toBe(false);
      }
    }
  });

  it("at a random position of random keys, including the separator", () => {
    fc.assert(
      fc.property(keyArb, fc.nat(), fc.constantFrom(...REPLACEMENTS), (input, n, replacement) => {
        const { key, prefix } = generate(input);
        // Bias a quarter of the runs onto the separator itself.
        const position = n % 4 === 0 ? prefix.length : n % key.length;
        fc.pre(key[position] !== replacement);
        const mutated = key.slice(0, position) + replacement + key.slice(position + 1);
        const parsed = parseKey(mutated);
        expect(parsed.ok).toBe(false);
        if (!parsed.ok) expect(["bad_checksum", "malformed"]).toContain(parsed.reason);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("parseKey", () => {
  const valid = generateKey({ prefix: "sk" }, { randomBytes: counting }).key;
  const sep = valid.lastIndexOf("_");
  const body = valid.slice(sep + 1, -CHECKSUM_LENGTH);

  it.each<[string, unknown, string]>([
    ["undefined", undefined, "malformed"],
    ["null", null, "malformed"],
    ["number", 42, "malformed"],
    ["object", { key: valid }, "malformed"],
    ["empty string", "", "malformed"],
    ["over MAX_KEY_LENGTH", "a".repeat(MAX_KEY_LENGTH + 1), "too_long"],
    ["over MAX_KEY_LENGTH even if well-formed-looking", `sk_${"A".repeat(MAX_KEY_LENGTH)}`, "too_long"],
    ["no separator", valid.replace("_", "A"), "malformed"],
    ["empty prefix", valid.slice(sep), "malformed"],
    ["17-char prefix", `${"p".repeat(17)}${valid.slice(sep)}`, "malformed"],
    ["invalid prefix char", `s-${valid.slice(sep)}`, "malformed"],
    ["body one char short", `sk_${body.slice(1)}${valid.slice(-CHECKSUM_LENGTH)}`, "malformed"],
    // 22 and 23 chars are bodies of 16 and 17 bytes; no byte length gives 24.
    ["body of impossible length 24", `sk_00${body}${valid.slice(-CHECKSUM_LENGTH)}`, "malformed"],
    ["no checksum", `sk_${body}`, "malformed"],
    ["non-base62 body char", `sk_${body.slice(0, -1)}-${valid.slice(-CHECKSUM_LENGTH)}`, "malformed"],
    ["non-base62 checksum char", `${valid.slice(0, -1)}!`, "malformed"],
    ["trailing newline", `${valid.slice(0, -1)}\n`, "malformed"],
    ["wrong checksum", `${valid.slice(0, -CHECKSUM_LENGTH)}000000`, "bad_checksum"],
    ["checksum above 2^32", `${valid.slice(0, -CHECKSUM_LENGTH)}zzzzzz`, "bad_checksum"],
  ])("%s → %s", (_, raw, reason) => {
    expect(parseKey(raw)).toEqual({ ok: false, reason });
  });

  it("returns the parts of a valid key", () => {
    expect(parseKey(valid)).toEqual({
      ok: true,
      prefix: "sk",
      body,
      checksum: valid.slice(-CHECKSUM_LENGTH),
    });
  });

  it("splits at the LAST underscore, so prefixes may contain underscores", () => {
    const { key } = generateKey({ prefix: "rybbit_sk_live" });
    const parsed = parseKey(key);
    expect(parsed.ok && parsed.prefix).toBe("rybbit_sk_live");
  });

  it("accepts exactly the body lengths of 16..255 bytes", () => {
    const lengths = new Set<number>();
    for (let n = MIN_BYTE_LENGTH; n <= MAX_BYTE_LENGTH; n++) lengths.add(base62Length(n));
    for (let length = 0; length <= 400; length++) {
      const unchecked = `sk_${"A".repeat(length)}`;
      const raw = unchecked + encodeBase62Fixed(crc32(unchecked), CHECKSUM_LENGTH);
      const expected = raw.length > MAX_KEY_LENGTH ? "too_long" : lengths.has(length) ? "ok" : "malformed";
      const parsed = parseKey(raw);
      expect(parsed.ok ? "ok" : parsed.reason, `body length ${length}`).toBe(expected);
    }
  });

  it("MAX_KEY_LENGTH is 16 + 1 + base62Length(255) + 6", () => {
    expect(MAX_KEY_LENGTH).toBe(16 + 1 + 343 + 6);
  });

  it("never throws and only accepts strings that survive a regenerate round trip", () => {
    fc.assert(
      fc.property(fc.anything(), (raw) => {
        const parsed = parseKey(raw);
        if (parsed.ok) expect(raw).toBe(`${parsed.prefix}_${parsed.body}${parsed.checksum}`);
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (raw) => {
        expect(() => parseKey(raw)).not.toThrow();
      }),
    );
  });
});

describe("isWellFormedKey", () => {
  it("agrees with parseKey on keys, their one-character typos and arbitrary input", () => {
    const keys = fc.record({
      prefix: fc.constantFrom("kw", "rybbit_sk_live", "a", "X_9"),
      byteLength: fc.integer({ min: MIN_BYTE_LENGTH, max: MAX_BYTE_LENGTH }),
    });
    fc.assert(
      fc.property(keys, fc.nat(), fc.constantFrom(...BASE62_ALPHABET, "_", "-", "é"), ({ prefix, byteLength }, at, ch) => {
        const { key } = generateKey({ prefix, byteLength });
        expect(isWellFormedKey(key)).toBe(true);
        const i = at % key.length;
        const typo = key.slice(0, i) + ch + key.slice(i + 1);
        expect(isWellFormedKey(typo)).toBe(parseKey(typo).ok);
      }),
    );
    fc.assert(
      fc.property(fc.anything(), (raw) => {
        expect(isWellFormedKey(raw)).toBe(parseKey(raw).ok);
      }),
    );
  });
});

describe("hashKey", () => {
  it("is lowercase hex SHA-256 of the whole key", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary-ascii" }), (s) => {
        expect(hashKey(s)).toBe(createHash("sha256").update(s).digest("hex"));
      }),
    );
    expect(hashKey("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});

describe("isValidPrefix", () => {
  it.each([
    ["sk", true],
    ["rybbit_sk_live", true],
    ["_", true],
    ["A1_b2", true],
    ["x".repeat(16), true],
    ["", false],
    ["x".repeat(17), false],
    ["sk-live", false],
    ["sk.live", false],
    ["cl\u00e9", false],
  ])("%s → %s", (prefix, expected) => {
    expect(isValidPrefix(prefix)).toBe(expected);
  });
});

describe("keyPattern", () => {
  const wrap = (key: string) => [
    key,
    `Authorization: Bearer ${key}`,
    `export API_KEY="${key}"\n`,
    `{"key":"${key}","other":1}`,
    `(${key}).`,
    `line one\n${key}\nline three`,
  ];

  it("finds generated keys inside surrounding text, with and without a prefix", () => {
    fc.assert(
      fc.property(keyArb, fc.nat(5), (input, which) => {
        const { key, prefix } = generate(input);
        const text = wrap(key)[which] as string;
        expect([...text.matchAll(keyPattern(prefix))].map((m) => m[0])).toEqual([key]);
        // The generic pattern has to pick the separator itself; the match must still be this key.
        expect([...text.matchAll(keyPattern())].map((m) => m[0])).toEqual([key]);
      }),
      { numRuns: 300 },
    );
  });

  it("finds several keys in one text", () => {
    const a = generateKey({ prefix: "sk" }).key;
    const b = generateKey({ prefix: "sk" }).key;
    expect([...`first ${a}, second ${b}`.matchAll(keyPattern("sk"))].map((m) => m[0])).toEqual([a, b]);
  });

  it("rejects other strings", () => {
    const key = generateKey({ prefix: "sk" }, { randomBytes: counting }).key;
    const tail = key.slice(3);
    const rejected = [
      "",
      "sk_short",
      `sk_${tail.slice(0, 27)}`, // shorter than the shortest body + checksum
      `pk_${tail}`, // another prefix
      `xsk_${tail}`, // prefix glued to a preceding word
      `sk_${tail.slice(0, 20)}-${tail.slice(21)}`, // non-base62 character breaks the run
      "the quick brown fox jumps over the lazy dog",
    ];
    for (const text of rejected) expect(keyPattern("sk").test(text), text).toBe(false);
    expect(keyPattern().test(`${"p".repeat(17)}_${tail}`)).toBe(false);
    expect(keyPattern().test("no_keys_here at_all")).toBe(false);
  });

  it("returns a fresh regex each call and exposes the generic source", () => {
    expect(keyPattern()).not.toBe(keyPattern());
    expect(keyPattern().source).toBe(KEY_PATTERN_SOURCE);
    expect(KEY_PATTERN_SOURCE).toBe("\\b[A-Za-z0-9_]{1,16}_[0-9A-Za-z]{28,349}\\b");
    expect(keyPattern("rybbit_sk_live").source).toBe("\\brybbit_sk_live_[0-9A-Za-z]{28,349}\\b");
  });

  it("refuses an invalid prefix", () => {
    expect(() => keyPattern("sk.live")).toThrow(KeyFormatError);
  });
});
