import type { IStageTypeConfig } from '@spinnaker/core';

/** The parts of Deck's `PipelineRegistry` (deck/packages/core/src/pipeline/config/PipelineRegistry.ts) this touches. */
export interface StageRegistry {
  registerStage(stage: IStageTypeConfig): void;
  /** Memoized with lodash (a `cache` on the function); typed loosely so Deck's own class fits. */
  getStageConfig?: unknown;
}

const CLAIMED = Symbol.for('outrigger.deck.claimedStageKeys');

/**
 * Deck builds a generic webhook form for every entry of Gate's `/webhooks/preconfigured` and registers it under the
 * webhook's `type` (deck/packages/core/src/pipeline/config/stages/webhook/webhookStage.ts, `alias: 'preconfiguredWebhook'`,
 * no `cloudProvider`). Our stages use the same keys, so without this the stage picker
 * (`PipelineRegistry.getConfigurableStageTypes`) lists each outrigger stage twice. This drops the generic
 * registrations for our keys, both those already made and any made later (Deck registers them when Gate answers,
 * which can be before or after plugins load). Other keys, and a generic stage for a webhook this plugin does not
 * define, are left alone. `registerStage` is wrapped once, however often the plugin module is evaluated.
 */
export function claimStageKeys(registry: StageRegistry, ours: readonly IStageTypeConfig[]): void {
  const keys = new Set(ours.map((s) => s.key));
  const isGenericForOurKey = (s: IStageTypeConfig) => keys.has(s.key) && !ours.includes(s) && s.alias === 'preconfiguredWebhook' && !s.cloudProvider;
  const r = registry as StageRegistry & { stageTypes?: IStageTypeConfig[]; [CLAIMED]?: (s: IStageTypeConfig) => boolean };

  // Already registered: `stageTypes` is the registry's own list (`getStageTypes()` hands out clones).
  if (Array.isArray(r.stageTypes) && r.stageTypes.some(isGenericForOurKey)) {
    r.stageTypes = r.stageTypes.filter((s) => !isGenericForOurKey(s));
    (r.getStageConfig as { cache?: { clear?: () => void } } | undefined)?.cache?.clear?.();
  }

  const previous = r[CLAIMED];
  r[CLAIMED] = previous ? (s) => previous(s) || isGenericForOurKey(s) : isGenericForOurKey;
  if (previous) return;
  const register = r.registerStage;
  r.registerStage = function (this: StageRegistry, stage: IStageTypeConfig) {
    if (r[CLAIMED]!(stage)) return;
    return register.call(this, stage);
  };
}
