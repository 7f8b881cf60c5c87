import type { PlanLimits } from '../../env';
import type { EffectiveRatelimit } from './types';

interface RatelimitColumns {
  ratelimitEnabled: boolean;
  ratelimitType: string | null;
  ratelimitLimit: number | null;
  ratelimitDuration: number | null;
}

/** A key without a limit of its own follows its plan's, so a plan change moves it too. */
export function effectiveRatelimit(k: RatelimitColumns, plan: PlanLimits): EffectiveRatelimit {
  return k.ratelimitEnabled && k.ratelimitLimit !== null && k.ratelimitDuration !== null
    ? {
        type: k.ratelimitType === 'consistent' ? 'consistent' : 'fast',
        limit: k.ratelimitLimit,
        durationMs: k.ratelimitDuration,
        inherited: false,
      }
    : { type: 'fast', limit: plan.rateLimit, durationMs: plan.rateWindowMs, inherited: true };
}
