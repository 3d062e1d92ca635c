import type { LambdaDeploymentType } from '@outrigger/contract';
import type { Step } from './RolloutStore.js';

const canary = (minutes: number): Step[] => [
  { weight: 10, bakeSeconds: minutes * 60 },
  { weight: 100, bakeSeconds: 0 },
];
const linear = (minutes: number): Step[] => [
  ...Array.from({ length: 9 }, (_, i) => ({ weight: (i + 1) * 10, bakeSeconds: minutes * 60 })),
  { weight: 100, bakeSeconds: 0 },
];

/**
 * CodeDeploy's predefined Lambda configurations (CodeDeployDefault.Lambda…; AWS CodeDeploy User Guide, "Deployment
 * configurations on an AWS Lambda compute platform"). Canary: 10 % first, the remaining 90 % after the interval (two
 * shifts). Linear: 10 % at the start of each interval until all traffic is shifted (ten shifts, nine intervals).
 * AllAtOnce: one shift.
 */
export const PREDEFINED_PLANS: Record<LambdaDeploymentType, Step[]> = {
  Canary10Percent5Minutes: canary(5),
  Canary10Percent10Minutes: canary(10),
  Canary10Percent15Minutes: canary(15),
  Canary10Percent30Minutes: canary(30),
  Linear10PercentEvery1Minute: linear(1),
  Linear10PercentEvery2Minutes: linear(2),
  Linear10PercentEvery3Minutes: linear(3),
  Linear10PercentEvery10Minutes: linear(10),
  AllAtOnce: [{ weight: 100, bakeSeconds: 0 }],
};

export function planSteps(d: { deploymentType?: LambdaDeploymentType | null; steps?: { weight: number; bakeSeconds?: number | null }[] | null }): Step[] {
  if (d.steps) return d.steps.map((s) => ({ weight: s.weight, bakeSeconds: s.bakeSeconds ?? 0 }));
  return PREDEFINED_PLANS[d.deploymentType ?? 'AllAtOnce'].map((s) => ({ ...s }));
}
