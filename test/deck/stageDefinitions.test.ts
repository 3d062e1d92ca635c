// The one source of stage definitions agrees with the OpenAPI contract: each stage's operation, method and path are
// the spec's; every parameter fills a property the request body (or path) has, with a compatible type, enum and bounds;
// every required body property is filled; and the Orca webhook payload generated from the definition, filled with the
// stage's defaults and sample values the way Orca's SpEL would, is a body the operation's own zod schema accepts.
import { describe, expect, it } from 'vitest';
import { operations } from '@outrigger/contract';
import { stageDefinitions, type StageDefinition, type StageParameter } from '@outrigger/deck-plugin/stages';
import { defaultParameterValues, orcaWebhook } from '@outrigger/deck-plugin/kit';
import { resolve, specOperations, type Schema } from '../support/specWalker.js';
import { evaluate } from './orcaWebhook.js';
import { problemOf } from '@outrigger/deck-plugin/values';

const spec = specOperations();

/** Top-level properties and required names of a body schema, through $ref and allOf. */
function flatten(schema: Schema | undefined): { properties: Record<string, Schema>; required: Set<string> } {
  const out = { properties: {} as Record<string, Schema>, required: new Set<string>() };
  const walk = (s: Schema | undefined) => {
    const r = resolve<Schema>(s);
    if (!r) return;
    for (const part of r.allOf ?? []) walk(part);
    for (const [k, v] of Object.entries(r.properties ?? {})) out.properties[k] = resolve<Schema>(v);
    for (const k of r.required ?? []) out.required.add(k);
  };
  walk(schema);
  return out;
}

/** The schema of a dotted body property (`gates.alarms`), through $ref, allOf and nullable oneOf. */
function propertyAt(schema: Schema | undefined, dotted: string): Schema | undefined {
  let node: Schema | undefined = schema;
  for (const key of dotted.split('.')) {
    if (!node) return undefined;
    const variants = (resolve<Schema>(node).oneOf ?? [node]).map((v) => resolve<Schema>(v)).filter((v) => v.type !== 'null');
    node = variants.map((v) => flatten(v).properties[key]).find(Boolean);
  }
  if (!node) return undefined;
  // A nullable object (`oneOf: [$ref, {type: null}]`) is the object.
  const leaf = resolve<Schema>(node);
  return (leaf.oneOf ?? [leaf]).map((v) => resolve<Schema>(v)).find((v) => v.type !== 'null');
}

const typeOf = (s: Schema) => (Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type ?? (s.properties || s.additionalProperties ? 'object' : s.items ? 'array' : undefined));
const EXPECTED_TYPE: Record<StageParameter['type'], string> = {
  string: 'string',
  account: 'string',
  region: 'string',
  enum: 'string',
  integer: 'integer',
  boolean: 'boolean',
  json: 'object',
  imageMap: 'object',
  trafficSteps: 'array',
  stringList: 'array',
  jsonList: 'array',
};

/** What a pipeline author would type for each parameter, beyond the defaults. */
function sampleValues(def: StageDefinition): Record<string, string> {
  const v: Record<string, string> = { ...defaultParameterValues(def) };
  for (const p of def.parameters) {
    if (v[p.name] !== undefined && v[p.name] !== '') continue;
    v[p.name] = p.type === 'account' ? 'prod' : p.type === 'region' ? 'us-east-1' : p.type === 'integer' ? String(p.min ?? 1) : p.type === 'json' ? '{}' : p.type === 'jsonList' ? '[]' : 'sample';
  }
  if (v.containerToImageMap === '{}') v.containerToImageMap = '{"web": "registry.example.com/web:1.2.3"}';
  return v;
}

describe('stage definitions agree with the OpenAPI contract', () => {
  it('there is at least the ECS render/preview, ECS deploy, Lambda progressive and image retention stage', () => {
    expect(stageDefinitions.map((d) => d.operationId)).toEqual(expect.arrayContaining(['renderEcsTaskDefinition', 'ecsDeploy', 'startLambdaRollout', 'applyImageRetention']));
    expect(new Set(stageDefinitions.map((d) => d.key)).size).toBe(stageDefinitions.length);
  });

  for (const def of stageDefinitions) {
    const op = spec.find((o) => o.operationId === def.operationId);
    describe(def.key, () => {
      it('calls a contract operation with its method and path', () => {
        expect(op, `operation ${def.operationId}`).toBeDefined();
        expect(op!.method).toBe(def.method);
        expect(op!.path).toBe(def.path);
        const row = (operations as Record<string, { method: string; path: string }>)[def.operationId]!;
        expect([row.method, row.path]).toEqual([def.method, def.path]);
      });

      it('fills every path parameter and only body properties the operation has, with compatible types', () => {
        const pathParams = [...def.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        expect(def.parameters.filter((p) => p.in === 'path').map((p) => p.target).sort()).toEqual(pathParams.sort());
        for (const name of pathParams) expect(op!.parameters.some((p) => p.in === 'path' && p.name === name)).toBe(true);
        const body = flatten(op!.body);
        for (const key of Object.keys(def.fixedBody ?? {})) expect(body.properties, `fixed body property ${key}`).toHaveProperty(key);
        for (const p of def.parameters.filter((q) => q.in === 'body')) {
          const s = propertyAt(op!.body, p.target);
          expect(s, `${p.name} → body.${p.target}`).toBeDefined();
          expect(typeOf(s!), `${p.name} → body.${p.target} type`).toBe(EXPECTED_TYPE[p.type]);
          if (p.type === 'enum' && s!.enum) for (const o of p.options ?? []) if (o !== 'Custom') expect(s!.enum, `${p.name} option ${o}`).toContain(o);
          if (p.min !== undefined && s!.minimum !== undefined) expect(p.min).toBeGreaterThanOrEqual(s!.minimum);
          if (p.max !== undefined && s!.maximum !== undefined) expect(p.max).toBeLessThanOrEqual(s!.maximum);
        }
        const filled = new Set([...Object.keys(def.fixedBody ?? {}), ...def.parameters.filter((p) => p.in === 'body' && !p.sendWhen).map((p) => p.target.split('.')[0]!)]);
        for (const r of body.required) expect(filled.has(r), `required body property ${r}`).toBe(true);
      });

      it('gives every JSON-valued or optional parameter a default, so the generated payload is always JSON', () => {
        for (const p of def.parameters) {
          if (p.type !== 'string' && p.type !== 'account' && p.type !== 'region' && !p.required) expect(p.default, p.name).toBeDefined();
          // An empty default is sent only when filled in (`sendWhen.present`), so it never reaches the payload as text.
          if (p.default === '' && p.sendWhen?.present && p.sendWhen.param === p.name) continue;
          if (p.default !== undefined && ['json', 'imageMap', 'trafficSteps', 'stringList', 'jsonList'].includes(p.type)) expect(() => JSON.parse(p.default!)).not.toThrow();
        }
      });

      it('its Orca webhook, evaluated with the defaults and sample values, sends a body the operation accepts', () => {
        const hook = orcaWebhook(def, 'http://outrigger.test:7011') as { payload: string; url: string; type: string };
        expect(hook.type).toBe(def.key);
        const values = sampleValues(def);
        const body = JSON.parse(evaluate(hook.payload, values));
        const row = (operations as Record<string, { body?: { safeParse(v: unknown): { success: boolean; error?: unknown } } }>)[def.operationId]!;
        const parsed = row.body!.safeParse(body);
        expect(parsed.success, JSON.stringify(parsed.error)).toBe(true);
        const url = new URL(evaluate(hook.url, values));
        const pattern = new RegExp('^' + def.path.replace(/\{\w+\}/g, '[^/]+') + '$');
        expect(url.pathname).toMatch(pattern);
      });
    });
  }
});

describe('Lambda progressive rollout: the shift plan', () => {
  const def = stageDefinitions.find((d) => d.key === 'outriggerLambdaProgressive')!;
  const hook = orcaWebhook(def) as { payload: string };
  const base = { ...sampleValues(def), functionName: 'orders' };
  it('sends the predefined configuration and no steps, or a Custom plan as steps and no configuration', () => {
    const predefined = JSON.parse(evaluate(hook.payload, { ...base, deploymentType: 'Linear10PercentEvery1Minute' }));
    expect(predefined).toMatchObject({ deploymentType: 'Linear10PercentEvery1Minute', steps: null, gates: { alarms: [], intervalSeconds: 60 } });
    const custom = JSON.parse(evaluate(hook.payload, { ...base, deploymentType: 'Custom', steps: '[{"weight":5,"bakeSeconds":60},{"weight":100}]', alarms: '["orders-5xx"]' }));
    expect(custom).toMatchObject({ deploymentType: null, steps: [{ weight: 5, bakeSeconds: 60 }, { weight: 100 }], gates: { alarms: ['orders-5xx'] } });
    for (const body of [predefined, custom]) expect((operations as any).startLambdaRollout.body.safeParse(body).success).toBe(true);
  });

  it('sends metric gates, the invoke check, hooks and provisioned concurrency when filled in, and null (the defaults) when left empty', () => {
    const empty = JSON.parse(evaluate(hook.payload, { ...defaultParameterValues(def), account: 'prod', region: 'us-east-1', functionName: 'orders' }));
    expect(empty).toMatchObject({ gates: { metrics: [], invokeCheck: null }, hooks: { beforeAllowTraffic: null, afterAllowTraffic: null }, provisionedConcurrentExecutions: null });
    // Deck may store a cleared field as null rather than '': still not sent.
    const cleared = JSON.parse(evaluate(hook.payload, { ...defaultParameterValues(def), account: 'prod', region: 'us-east-1', functionName: 'orders', provisionedConcurrentExecutions: null, invokeCheck: null }));
    expect(cleared).toMatchObject({ gates: { invokeCheck: null }, provisionedConcurrentExecutions: null });
    const filled = JSON.parse(
      evaluate(hook.payload, {
        ...base,
        metricGates: '[{"metric": "Errors", "threshold": 0.01}, {"metric": "Duration", "mode": "absolute", "statistic": "p99", "threshold": 800}]',
        invokeCheck: '{"invocations": 5, "payload": "{\\"ping\\": true}", "jsonPath": "$.statusCode", "equals": 200}',
        beforeAllowTraffic: 'orders-pretraffic',
        afterAllowTraffic: 'orders-posttraffic',
        provisionedConcurrentExecutions: 25,
      }),
    );
    expect(filled).toMatchObject({
      gates: {
        metrics: [{ metric: 'Errors', threshold: 0.01 }, { metric: 'Duration', mode: 'absolute', statistic: 'p99', threshold: 800 }],
        invokeCheck: { invocations: 5, payload: '{"ping": true}', jsonPath: '$.statusCode', equals: 200 },
      },
      hooks: { beforeAllowTraffic: 'orders-pretraffic', afterAllowTraffic: 'orders-posttraffic' },
      provisionedConcurrentExecutions: 25,
    });
    for (const body of [empty, cleared, filled]) expect((operations as any).startLambdaRollout.body.safeParse(body).success, JSON.stringify(body)).toBe(true);
  });

  it('the form refuses metric gates that are not a list of objects and an invoke check that is not an object', () => {
    const values = { ...base };
    const metric = def.parameters.find((p) => p.name === 'metricGates')!;
    const invoke = def.parameters.find((p) => p.name === 'invokeCheck')!;
    expect(problemOf(metric, '{"metric": "Errors"}', values)).toMatch(/must be a JSON list of objects/);
    expect(problemOf(metric, '["Errors"]', values)).toMatch(/must be a JSON list of objects/);
    expect(problemOf(metric, '[{"metric": "Errors", "threshold": 0.01}]', values)).toBeUndefined();
    expect(problemOf(invoke, '[1]', { ...values, invokeCheck: '[1]' })).toMatch(/must be a JSON object/);
    expect(problemOf(invoke, '', { ...values, invokeCheck: '' })).toBeUndefined();
  });
});

describe('ECS deploy: load balancing and service discovery', () => {
  const def = stageDefinitions.find((d) => d.key === 'outriggerEcsDeploy')!;
  const hook = orcaWebhook(def) as { payload: string };
  it('sends the target groups and service discovery registries as given, and empty lists by default', () => {
    const base = sampleValues(def);
    const empty = JSON.parse(evaluate(hook.payload, base));
    expect(empty).toMatchObject({ targetGroupMappings: [], serviceDiscoveryAssociations: [] });
    const filled = JSON.parse(
      evaluate(hook.payload, {
        ...base,
        targetGroupMappings: '[{"containerName": "web", "containerPort": 8080, "targetGroup": "shop-web-tg"}]',
        serviceDiscoveryAssociations: '[{"registry": {"arn": "arn:aws:servicediscovery:us-east-1:123456789012:service/srv-abc"}, "containerName": "web", "containerPort": 8080}]',
      }),
    );
    expect(filled.targetGroupMappings).toEqual([{ containerName: 'web', containerPort: 8080, targetGroup: 'shop-web-tg' }]);
    expect(filled.serviceDiscoveryAssociations[0]).toMatchObject({ registry: { arn: expect.stringContaining('srv-abc') }, containerPort: 8080 });
    for (const body of [empty, filled]) {
      const parsed = (operations as any).ecsDeploy.body.safeParse(body);
      expect(parsed.success, JSON.stringify(parsed.error)).toBe(true);
    }
  });
});

describe('stage timeouts', () => {
  // Orca's MonitorWebhookTask gives up after one hour unless the stage sets stageTimeoutMs (it is an
  // OverridableTimeoutRetryableTask: orca-webhook MonitorWebhookTask.java, `timeout = TimeUnit.HOURS.toMillis(1)`).
  const bakeMinutes = (plan: string): number => {
    const canary = /^Canary10Percent(\d+)Minutes$/.exec(plan);
    if (canary) return Number(canary[1]);
    const linear = /^Linear10PercentEvery(\d+)Minutes?$/.exec(plan);
    if (linear) return 9 * Number(linear[1]); // ten shifts, nine intervals
    return 0;
  };

  it('a stage whose predefined plans can outlast Orca\'s one hour starts with a timeout covering the longest plan and both hooks', () => {
    const withPlans = stageDefinitions.filter((d) => d.parameters.some((p) => p.name === 'deploymentType'));
    expect(withPlans.map((d) => d.key)).toEqual(['outriggerLambdaProgressive']);
    for (const d of withPlans) {
      const plans = d.parameters.find((p) => p.name === 'deploymentType')?.options ?? [];
      const longest = Math.max(...plans.map(bakeMinutes));
      expect(longest).toBe(90);
      // Before and after hooks may each wait their default hour (RolloutEngine: hooks.timeoutSeconds ?? 3600).
      expect(d.stageTimeoutMs).toBeGreaterThanOrEqual((longest + 2 * 60) * 60_000);
    }
  });
});
