/**
 * A JSON Schema (2020-12) checker for the subset `z.toJSONSchema` emits: type (incl. type
 * arrays), properties, required, additionalProperties, items, enum, const, anyOf, oneOf and
 * pattern. Formats and numeric/length bounds are not checked. Returns the problems found.
 */
export type JsonSchema = Record<string, unknown>;

const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function hasType(v: unknown, t: string): boolean {
  if (t === 'integer') return Number.isInteger(v);
  return typeOf(v) === t;
}

export function checkSchema(schema: JsonSchema, value: unknown, at = '$'): string[] {
  const problems: string[] = [];
  if (schema.anyOf) {
    const alts = schema.anyOf as JsonSchema[];
    if (!alts.some((s) => checkSchema(s, value, at).length === 0)) problems.push(`${at}: matches none of anyOf`);
  }
  if (schema.oneOf) {
    const matching = (schema.oneOf as JsonSchema[]).filter((s) => checkSchema(s, value, at).length === 0).length;
    if (matching !== 1) problems.push(`${at}: matches ${matching} of oneOf, not exactly one`);
  }
  if ('const' in schema && schema.const !== value) problems.push(`${at}: is not ${JSON.stringify(schema.const)}`);
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) problems.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (schema.type) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((t) => hasType(value, t))) return [...problems, `${at}: is ${typeOf(value)}, not ${types.join('|')}`];
  }
  if (typeof value === 'string' && typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value)) {
    problems.push(`${at}: does not match ${schema.pattern}`);
  }
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
    for (const name of (schema.required ?? []) as string[]) if (!(name in obj)) problems.push(`${at}.${name}: is required`);
    for (const [name, v] of Object.entries(obj)) {
      const prop = props[name];
      if (prop) problems.push(...checkSchema(prop, v, `${at}.${name}`));
      else if (schema.additionalProperties === false) problems.push(`${at}.${name}: is not in the schema`);
      else if (typeof schema.additionalProperties === 'object') problems.push(...checkSchema(schema.additionalProperties as JsonSchema, v, `${at}.${name}`));
    }
  }
  if (Array.isArray(value) && schema.items) {
    for (const [i, item] of value.entries()) problems.push(...checkSchema(schema.items as JsonSchema, item, `${at}[${i}]`));
  }
  return problems;
}
