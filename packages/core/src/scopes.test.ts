import { describe, expect, it } from "vitest";
import { isWithin, MAX_SCOPES, parseScope, parseScopes, satisfies, satisfiesAll } from "./scopes";

describe("parseScope", () => {
  it.each([
    ["analytics:read", "analytics", "read"],
    ["webhooks:manage", "webhooks", "manage"],
    ["a.b-c_d:x.y", "a.b-c_d", "x.y"],
    ["analytics:*", "analytics", "*"],
    ["*:read", "*", "read"],
    ["*:*", "*", "*"],
    ["*", "*", "*"],
    ["read-write", "*", "*"],
    ["read", "*", "read"],
    [`${"r".repeat(64)}:${"a".repeat(64)}`, "r".repeat(64), "a".repeat(64)],
  ])("%s → %s:%s", (s, resource, action) => {
    expect(parseScope(s)).toEqual({ ok: true, resource, action });
  });

  it.each<unknown>([
    "",
    ":",
    "analytics",
    "write",
    "Analytics:read",
    "analytics:",
    ":read",
    "analytics:read:extra",
    "analytics:re*d",
    "ana*:read",
    "**:read",
    "analytics :read",
    `${"r".repeat(65)}:read`,
    `analytics:${"a".repeat(65)}`,
    "toString",
    "__proto__",
    42,
    null,
    ["analytics:read"],
  ])("rejects %j", (s) => {
    const result = parseScope(s);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(/scope/);
  });
});

describe("parseScopes", () => {
  it("keeps valid lists as given", () => {
    expect(parseScopes(["analytics:read", "read"])).toEqual({ ok: true, scopes: ["analytics:read", "read"] });
    expect(parseScopes([])).toEqual({ ok: true, scopes: [] });
  });

  it("names the offending entry", () => {
    expect(parseScopes(["analytics:read", "Bad"])).toEqual({ ok: false, message: expect.stringMatching(/^scopes\[1\]: invalid scope "Bad"/) });
  });

  it("bounds the count and requires an array", () => {
    expect(parseScopes(Array.from({ length: MAX_SCOPES }, () => "read")).ok).toBe(true);
    expect(parseScopes(Array.from({ length: MAX_SCOPES + 1 }, () => "read"))).toEqual({
      ok: false,
      message: `scopes must contain at most ${MAX_SCOPES} entries`,
    });
    expect(parseScopes("read")).toEqual({ ok: false, message: "scopes must be an array of strings" });
  });
});

describe("satisfies", () => {
  it.each<[string[], string, boolean]>([
    [["analytics:read"], "analytics:read", true],
    [["analytics:read"], "analytics:write", false],
    [["analytics:read"], "webhooks:read", false],
    // Wildcards on the granted side widen.
    [["analytics:*"], "analytics:read", true],
    [["analytics:*"], "analytics:*", true],
    [["analytics:*"], "webhooks:read", false],
    [["*:read"], "analytics:read", true],
    [["*:read"], "analytics:write", false],
    [["*:*"], "anything:at-all", true],
    [["*"], "analytics:write", true],
    // Wildcards on the required side do not.
    [["analytics:read"], "*:read", false],
    [["analytics:read"], "read", false],
    [["analytics:read"], "analytics:*", false],
    [["analytics:*"], "*:*", false],
    [["*:read"], "read-write", false],
    // Legacy scopes.
    [["read"], "analytics:read", true],
    [["read"], "analytics:write", false],
    [["read"], "read", true],
    [["read"], "*:read", true],
    [["read"], "read-write", false],
    [["read-write"], "read", true],
    [["read-write"], "analytics:write", true],
    [["read-write"], "*", true],
    [["*"], "read-write", true],
    // Invalid strings satisfy nothing.
    [["Analytics:read"], "Analytics:read", false],
    [["bogus"], "bogus", false],
    [["*"], "bogus", false],
    [["*"], "", false],
    [[], "analytics:read", false],
    [["bogus", "analytics:read"], "analytics:read", true],
  ])("%j satisfies %s: %s", (granted, required, expected) => {
    expect(satisfies(granted, required)).toBe(expected);
  });
});

describe("satisfiesAll / isWithin", () => {
  it("requires every scope", () => {
    expect(satisfiesAll(["analytics:read", "webhooks:*"], ["analytics:read", "webhooks:manage"])).toBe(true);
    expect(satisfiesAll(["analytics:read"], ["analytics:read", "webhooks:manage"])).toBe(false);
    expect(satisfiesAll(["analytics:read"], [])).toBe(true);
  });

  it("stops a key from minting a key wider than itself", () => {
    expect(isWithin(["analytics:*"], ["analytics:read", "analytics:write"])).toBe(true);
    expect(isWithin(["analytics:read"], ["analytics:*"])).toBe(false);
    expect(isWithin(["read"], ["read-write"])).toBe(false);
    expect(isWithin(["read"], ["*:read", "analytics:read"])).toBe(true);
    expect(isWithin(["read-write"], ["read", "analytics:write"])).toBe(true);
    expect(isWithin(["*"], ["not a scope"])).toBe(false);
    expect(isWithin([], [])).toBe(true);
  });
});
