import type { VerifyCode } from './usage';
import type { Verifier } from './verifier';

/**
 * Counts every verification by outcome, unknown keys included (the usage recorder only sees
 * keys that exist), so operators can watch the ratio of refusals.
 */
export function countOutcomes(verifier: Verifier) {
  const counts = new Map<VerifyCode, number>();
  return {
    async verify(...args: Parameters<Verifier['verify']>) {
      const result = await verifier.verify(...args);
      counts.set(result.code, (counts.get(result.code) ?? 0) + 1);
      return result;
    },
    outcomes: (): ReadonlyMap<VerifyCode, number> => counts,
  };
}
