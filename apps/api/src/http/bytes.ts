const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

/** '100kb' → 102400; the same notation express.json's limit takes, validated in env.ts. */
export function bytes(limit: string): number {
  const m = /^(\d+)(b|kb|mb)$/i.exec(limit);
  if (!m?.[1] || !m[2]) throw new Error(`not a size: ${limit}`);
  return Number(m[1]) * (UNITS[m[2].toLowerCase()] ?? 1);
}
