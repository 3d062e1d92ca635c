import type { IStageTypeConfig } from '@spinnaker/core';
import { describe, expect, it } from 'vitest';
import { claimStageKeys } from './claimStageKeys.js';

/** The shape of Deck's PipelineRegistry that matters here: a private list, clones out, a memoized lookup. */
class Registry {
  private stageTypes: IStageTypeConfig[] = [];
  cleared = 0;
  getStageConfig = Object.assign((type: string) => this.stageTypes.filter((s) => s.key === type), { cache: { clear: () => void this.cleared++ } });
  registerStage(stage: IStageTypeConfig): void {
    this.stageTypes.push(stage);
  }
  getStageTypes(): IStageTypeConfig[] {
    return structuredClone(this.stageTypes.map(({ component: _c, ...s }) => s)) as IStageTypeConfig[];
  }
}

/** What Deck registers for each entry of GET /webhooks/preconfigured (webhookStage.ts). */
const generic = (type: string) => ({ key: type, label: `generic ${type}`, alias: 'preconfiguredWebhook', addAliasToConfig: true, restartable: true }) as IStageTypeConfig;
const ours = (key: string) => ({ key, label: `outrigger ${key}`, alias: 'preconfiguredWebhook', addAliasToConfig: true, cloudProvider: 'aws' }) as IStageTypeConfig;

describe('claimStageKeys: one stage-picker entry per outrigger stage', () => {
  it('drops generic forms Deck registered before the plugin loaded, and those it registers afterwards', () => {
    const r = new Registry();
    r.registerStage(generic('outriggerEcsRender'));
    r.registerStage(generic('someoneElsesWebhook'));
    r.registerStage({ key: 'bake', label: 'Bake' } as IStageTypeConfig);
    const mine = [ours('outriggerEcsRender'), ours('outriggerEcsDeploy')];
    claimStageKeys(r, mine);
    for (const s of mine) r.registerStage(s); // what Deck's plugin loader does next (deck.plugin.ts)
    r.registerStage(generic('outriggerEcsDeploy')); // Gate answered /webhooks/preconfigured after the plugin loaded
    r.registerStage(generic('anotherWebhook'));

    expect(r.getStageTypes().map((s) => s.label)).toEqual(['generic someoneElsesWebhook', 'Bake', 'outrigger outriggerEcsRender', 'outrigger outriggerEcsDeploy', 'generic anotherWebhook']);
    expect(r.cleared).toBe(1);
  });

  it('keeps working when the plugin module is evaluated twice (registerStage is wrapped once)', () => {
    const r = new Registry();
    const first = [ours('outriggerEcsRender')];
    const second = [ours('outriggerEcsRender')];
    claimStageKeys(r, first);
    const wrapped = r.registerStage;
    claimStageKeys(r, second);
    expect(r.registerStage).toBe(wrapped);
    r.registerStage(second[0]!);
    r.registerStage(generic('outriggerEcsRender'));
    expect(r.getStageTypes().map((s) => s.label)).toEqual(['outrigger outriggerEcsRender']);
  });
});
