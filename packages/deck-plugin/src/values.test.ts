import { describe, expect, it } from 'vitest';
import { stageDefinitions } from './stages/definitions.js';
import { validateStage } from './values.js';

const def = (key: string) => stageDefinitions.find((d) => d.key === key)!;

describe('stage validators', () => {
  it('name every missing required parameter', () => {
    const errors = validateStage(def('outriggerEcsRender'), { parameterValues: { containerToImageMap: '{}', artifact: '{"type":"embedded/base64","reference":""}' } });
    expect(Object.keys((errors as any).parameterValues).sort()).toEqual(['account', 'containerToImageMap', 'ecsClusterName', 'region']);
    expect((errors as any).parameterValues.containerToImageMap).toBe('Container images: add at least one container.');
  });

  it('check JSON, numbers and traffic steps as a pipeline author would need', () => {
    const retention = validateStage(def('outriggerImageRetention'), { parameterValues: { account: 'a', region: 'r', keep: '1001' } }) as any;
    expect(retention.parameterValues).toEqual({ keep: 'Images to keep must be at most 1000.' });
    const lambda = def('outriggerLambdaProgressive');
    const base = { account: 'a', region: 'r', functionName: 'f', aliasName: 'live', targetVersion: '$LATEST', deploymentType: 'Custom', alarms: '[]' };
    expect((validateStage(lambda, { parameterValues: { ...base, steps: '[{"weight":10,"bakeSeconds":60},{"weight":50}]' } }) as any).parameterValues.steps).toBe(
      'Traffic steps: step 2 needs a bake time in seconds.',
    );
    expect((validateStage(lambda, { parameterValues: { ...base, steps: '[{"weight":50,"bakeSeconds":60},{"weight":20,"bakeSeconds":60}]' } }) as any).parameterValues.steps).toMatch(/more than the step before/);
    expect((validateStage(lambda, { parameterValues: { ...base, steps: '[{"weight":10,"bakeSeconds":60},{"weight":100}]' } }) as any).parameterValues).toBeUndefined();
    // Steps are only sent (and checked) for a custom plan.
    expect(validateStage(lambda, { parameterValues: { ...base, deploymentType: 'AllAtOnce', steps: 'not json' } })).toEqual({});
    expect((validateStage(def('outriggerEcsDeploy'), { parameterValues: { capacity: '{min: 1}' } }) as any).parameterValues.capacity).toMatch(/^Capacity: Not valid JSON/);
  });

  it('leave SpEL to Orca', () => {
    const r = validateStage(def('outriggerImageRetention'), { parameterValues: { account: '${trigger.parameters.account}', region: 'us-east-1', keep: '${parameters.keep}' } });
    expect(r).toEqual({});
  });
});
