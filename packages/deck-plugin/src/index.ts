import type { IDeckPlugin, IStageTypeConfig } from '@spinnaker/core';
import { ExecutionDetailsTasks, Registry } from '@spinnaker/core';
import { claimStageKeys } from './claimStageKeys.js';
import { makeExecutionDetails } from './components/ExecutionDetails.js';
import { makeStageConfig } from './components/StageConfigForm.js';
import { defaultParameterValues } from './kit/webhooks.js';
import { stageDefinitions, type StageDefinition } from './stages/definitions.js';

/**
 * One Deck stage per definition. Its key is the Orca preconfigured webhook `type`, and `alias: preconfiguredWebhook`
 * (written into the pipeline by `addAliasToConfig`) makes Orca run it as that webhook. `cloudProvider: 'aws'` makes
 * Deck's registry prefer this form over the generic one Deck builds from `/webhooks/preconfigured` for the same key.
 */
function typedDefaults(def: StageDefinition): Record<string, unknown> {
  const values: Record<string, unknown> = defaultParameterValues(def);
  for (const p of def.parameters) if (p.type === 'integer' && typeof values[p.name] === 'string' && values[p.name] !== '') values[p.name] = Number(values[p.name]);
  return values;
}

export function makeStage(def: StageDefinition): IStageTypeConfig {
  return {
    key: def.key,
    label: def.label,
    description: def.description,
    extendedDescription: def.extendedDescription,
    alias: 'preconfiguredWebhook',
    addAliasToConfig: true,
    cloudProvider: 'aws',
    producesArtifacts: def.producesArtifacts,
    restartable: true,
    supportsCustomTimeout: true,
    // Orca's parameter defaults are text; Deck's form keeps whole numbers as numbers (its NumberInput checks only numbers).
    defaults: { parameterValues: typedDefaults(def), ...(def.stageTimeoutMs ? { overrideTimeout: true, stageTimeoutMs: def.stageTimeoutMs } : {}) },
    component: makeStageConfig(def),
    executionDetailsSections: [makeExecutionDetails(def), ExecutionDetailsTasks],
    validators: def.parameters
      .filter((p) => p.required)
      .map((p) => ({ type: 'requiredField', fieldName: `parameterValues.${p.name}`, fieldLabel: p.label, message: `<strong>${p.label}</strong> is required.` })),
  } as IStageTypeConfig;
}

const stages = stageDefinitions.map(makeStage);

// One entry per outrigger stage in Deck's stage picker: Deck's generic form for the same preconfigured webhook is dropped.
claimStageKeys(Registry.pipeline, stages);

export const plugin: IDeckPlugin = { stages };

export { stageDefinitions };
