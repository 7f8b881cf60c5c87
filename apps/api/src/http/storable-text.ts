import { badRequest } from '../services/errors';
import { fieldOf } from './problem';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const unstorable = (s: string) => s.includes('\0') || LONE_SURROGATE.test(s);

interface Node {
  value: unknown;
  parent: Node | null;
  key: PropertyKey;
}

function pathOf(node: Node): PropertyKey[] {
  const path: PropertyKey[] = [];
  for (let n: Node | null = node; n?.parent; n = n.parent) path.unshift(n.key);
  return path;
}

/**
 * NUL and unpaired surrogates are valid JSON, but PostgreSQL cannot store them in text or
 * jsonb: left alone they fail the query (a 500). Refused up front, naming the field.
 * Iterative, since input may nest as deep as the body limit allows.
 */
export function assertStorableText(input: unknown): void {
  const stack: Node[] = [{ value: input, parent: null, key: '' }];
  for (let node = stack.pop(); node; node = stack.pop()) {
    const { value } = node;
    let bad = typeof value === 'string' && unstorable(value);
    if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        if (unstorable(key)) bad = true;
        stack.push({ value: child, parent: node, key: Array.isArray(value) ? Number(key) : key });
      }
    }
    if (bad) {
      const field = fieldOf(pathOf(node))?.slice(0, 200);
      throw badRequest(`${field ?? 'input'}: must not contain NUL characters or unpaired UTF-16 surrogates`, field);
    }
  }
}
