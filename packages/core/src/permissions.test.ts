import { describe, expect, it } from "vitest";
import { evaluatePermissionQuery, isValidPermissionName, type PermissionQuery, validatePermissionQuery } from "./permissions";

function nest(depth: number): PermissionQuery {
  let q: PermissionQuery = "p";
  for (let i = 0; i < depth; i++) q = i % 2 ? { or: [q] } : { and: [q] };
  return q;
}

describe("isValidPermissionName", () => {
  it.each<[unknown, boolean]>([
    ["domains.create_record", true],
    ["say_hello", true],
    ["api.*.read_key", true],
    ["billing:invoices-read", true],
    ["x".repeat(512), true],
    ["x".repeat(513), false],
    ["", false],
    ["has space", false],
    ["slash/name", false],
    ["caf\u00e9", false],
    [42, false],
  ])("%j → %s", (name, expected) => {
    expect(isValidPermissionName(name)).toBe(expected);
  });
});

describe("validatePermissionQuery", () => {
  it.each<PermissionQuery>([
    "domains.create_record",
    { and: ["a", "b"] },
    { or: ["a", { and: ["b", "c"] }] },
    { and: [] },
    { or: [] },
  ])("accepts %j and returns an equal copy", (q) => {
    const result = validatePermissionQuery(q);
    expect(result).toEqual({ ok: true, query: q });
    if (result.ok && typeof q !== "string") expect(result.query).not.toBe(q);
  });

  it("copies, so later mutation of the input cannot change a validated query", () => {
    const input = { and: ["a"] };
    const result = validatePermissionQuery(input);
    input.and.push("b");
    expect(result).toEqual({ ok: true, query: { and: ["a"] } });
  });

  it.each<[string, unknown, RegExp]>([
    ["number", 42, /^permissions must be a permission name/],
    ["null", null, /permissions must be/],
    ["array at top level", ["a", "b"], /permissions must be/],
    ["invalid name", "has space", /^permissions must be 1-512 characters/],
    ["empty name", "", /permissions must be 1-512/],
    ["and not an array", { and: "x" }, /^permissions\.and must be an array$/],
    ["or an object", { or: { a: 1 } }, /permissions\.or must be an array/],
    ["both and and or", { and: ["a"], or: ["b"] }, /exactly one key/],
    ["unknown key", { not: ["a"] }, /exactly one key/],
    ["extra key", { and: ["a"], version: 1 }, /exactly one key/],
    ["empty object", {}, /exactly one key/],
    ["number inside", { and: ["a", 1] }, /^permissions\.and\[1\] must be a permission name/],
    ["null inside", { or: [null] }, /permissions\.or\[0\]/],
    ["nested bad name", { or: ["a", { and: ["b", "c d"] }] }, /^permissions\.or\[1\]\.and\[1\] must be 1-512/],
    ["Date", new Date(0), /exactly one key/],
  ])("rejects %s as malformed", (_, q, message) => {
    const result = validatePermissionQuery(q);
    expect(result).toEqual({ ok: false, error: "malformed", message: expect.stringMatching(message) });
  });

  it("bounds depth (a bare name is depth 0)", () => {
    expect(validatePermissionQuery(nest(8)).ok).toBe(true);
    expect(validatePermissionQuery(nest(9))).toEqual({
      ok: false,
      error: "too_deep",
      message: "permission query is nested deeper than 8 levels",
    });
    expect(validatePermissionQuery(nest(3), { maxDepth: 2 })).toEqual(expect.objectContaining({ error: "too_deep" }));
    expect(validatePermissionQuery("a", { maxDepth: 0 }).ok).toBe(true);
  });

  it("survives hostile depth and cycles without recursing past the bound", () => {
    expect(validatePermissionQuery(nest(100_000))).toEqual(expect.objectContaining({ error: "too_deep" }));
    const cyclic: { and: unknown[] } = { and: [] };
    cyclic.and.push(cyclic);
    expect(validatePermissionQuery(cyclic)).toEqual(expect.objectContaining({ error: "too_deep" }));
  });

  it("bounds the node count (names plus and/or objects)", () => {
    const names = (n: number) => Array.from({ length: n }, (_, i) => `p${i}`);
    expect(validatePermissionQuery({ and: names(255) }).ok).toBe(true);
    expect(validatePermissionQuery({ and: names(256) })).toEqual({
      ok: false,
      error: "too_large",
      message: "permission query has more than 256 nodes",
    });
    expect(validatePermissionQuery({ or: names(10) }, { maxNodes: 10 })).toEqual(expect.objectContaining({ error: "too_large" }));
    expect(validatePermissionQuery({ or: names(1_000_000) })).toEqual(expect.objectContaining({ error: "too_large" }));
  });
});

describe("evaluatePermissionQuery", () => {
  const granted = new Set(["a", "b", "domains.create_record"]);

  it.each<[PermissionQuery, boolean, string[]]>([
    ["a", true, []],
    ["z", false, ["z"]],
    ["A", false, ["A"]],
    // Exact match only: no wildcard expansion, as in Unkey v1.
    ["domains.*", false, ["domains.*"]],
    [{ and: ["a", "b"] }, true, []],
    [{ and: ["a", "y", "z"] }, false, ["y", "z"]],
    [{ or: ["z", "a"] }, true, []],
    [{ or: ["y", "z"] }, false, ["y", "z"]],
    [{ and: ["a", { or: ["z", "b"] }] }, true, []],
    [{ and: ["a", { or: ["y", "z"] }] }, false, ["y", "z"]],
    [{ or: [{ and: ["a", "z"] }, { and: ["b", "y"] }] }, false, ["z", "y"]],
    [{ or: [{ and: ["a", "z"] }, { and: ["b", "domains.create_record"] }] }, true, []],
    [{ and: [{ or: ["x", "a"] }, "z"] }, false, ["z"]],
    [{ and: ["z", { or: ["z", "y"] }] }, false, ["z", "y"]],
    [{ and: [] }, true, []],
    [{ or: [] }, false, []],
  ])("%j → %s %j", (q, valid, missing) => {
    expect(evaluatePermissionQuery(q, granted)).toEqual({ valid, missing });
  });

  it("evaluates validated deep queries", () => {
    const validated = validatePermissionQuery(nest(8));
    expect(validated.ok && evaluatePermissionQuery(validated.query, new Set(["p"]))).toEqual({ valid: true, missing: [] });
    expect(validated.ok && evaluatePermissionQuery(validated.query, new Set())).toEqual({ valid: false, missing: ["p"] });
  });
});
