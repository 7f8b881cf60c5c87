import type { Config, Plan, PlanLimits } from '../env';
import { forbidden } from './errors';

export const PLANS: readonly Plan[] = ['free', 'standard', 'pro'];

export interface PlanPolicy {
  limits(plan: Plan): PlanLimits;
  /** Seed 01: user-minted keys need a paid plan, as on Rybbit Cloud. */
  assertCanMintUserKeys(plan: Plan): void;
  assertUnderQuota(plan: Plan, activeKeys: number): void;
}

export function createPlanPolicy(config: Pick<Config, 'plans'>): PlanPolicy {
  return {
    limits: (plan) => config.plans[plan],
    assertCanMintUserKeys(plan) {
      if (plan === 'free') {
        throw forbidden('API keys require a Standard or Pro plan; this organization is on the Free plan');
      }
    },
    assertUnderQuota(plan, activeKeys) {
      const quota = config.plans[plan].keyQuota;
      if (activeKeys >= quota) {
        throw forbidden(`Key quota reached: the ${plan} plan allows ${quota} active keys`);
      }
    },
  };
}
