import { SetAlarmStateCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient, PutLifecycleEventHookExecutionStatusCommand } from '@aws-sdk/client-codedeploy';
import { CreateAliasCommand, PublishVersionCommand, UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { LAMBDA_DEPLOYMENT_TYPES } from '@outrigger/contract';
import { composeLambda, type LambdaHarness } from '../__fixtures__/composeLambda.js';
import { VirtualClock } from '../__fixtures__/VirtualClock.js';
import { PREDEFINED_PLANS } from './plans.js';

const harnesses: LambdaHarness[] = [];
afterEach(async () => {
  while (harnesses.length) await harnesses.pop()!.close();
});

async function start(clock = new VirtualClock()) {
  const h = await composeLambda({ virtualClock: clock });
  harnesses.push(h);
  return { h, clock };
}

/** A function whose alias `live` serves version 1 while $LATEST has new code (the next publish is version 2). */
async function seed(h: LambdaHarness, name = 'shop-orders') {
  h.lambda.seed(name, { CodeSha256: 'sha-v1' });
  await h.lambda.send(new PublishVersionCommand({ FunctionName: name }) as never);
  await h.lambda.send(new CreateAliasCommand({ FunctionName: name, Name: 'live', FunctionVersion: '1' }) as never);
  h.lambda.functions.get(name)!.config.CodeSha256 = 'sha-v2';
  h.lambda.aliasLog.length = 0;
}

const body = (over: Record<string, unknown> = {}) => ({ credentials: 'prod', region: 'us-east-1', functionName: 'shop-orders', aliasName: 'live', ...over });

async function deploy(h: LambdaHarness, over: Record<string, unknown> = {}) {
  const res = await h.post('/aws/ops/deployLambdaProgressive', body(over));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.id as string;
}

const aliasWeights = (h: LambdaHarness, fn = 'shop-orders') =>
  h.lambda.aliasLog.filter((e) => e.functionName === fn).map((e) => (e.version === '2' ? 100 : Math.round((e.weights['2'] ?? 0) * 100)));
const alias = (h: LambdaHarness, fn = 'shop-orders') => h.lambda.functions.get(fn)!.aliases.get('live')!;

describe('predefined configurations', () => {
  it.each(LAMBDA_DEPLOYMENT_TYPES.map((t) => [t] as const))('%s reaches 100%% in exactly its steps and total bake time', async (type) => {
    const { h } = await start();
    await seed(h);
    const id = await deploy(h, { deploymentType: type });
    const task = await h.waitForTask(id);
    expect(task.status).toMatchObject({ completed: true, failed: false });
    const plan = PREDEFINED_PLANS[type];
    const expectedWeights = type === 'AllAtOnce' ? [100] : type.startsWith('Canary') ? [10, 100] : [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    expect(plan.map((s) => s.weight)).toEqual(expectedWeights);
    // What AWS saw: exactly these weights, in order, nothing repeated or skipped.
    expect(aliasWeights(h)).toEqual(expectedWeights);
    const minutes = Number(/(\d+)Minute/.exec(type)?.[1] ?? 0);
    const totalBakeMs = type === 'AllAtOnce' ? 0 : type.startsWith('Canary') ? minutes * 60_000 : 9 * minutes * 60_000;
    const log = h.lambda.aliasLog;
    expect(log[log.length - 1]!.at - log[0]!.at).toBe(totalBakeMs);
    expect(alias(h)).toMatchObject({ FunctionVersion: '2', RoutingConfig: { AdditionalVersionWeights: {} } });
    expect(task.resultObjects[0]).toMatchObject({ rolloutId: id, oldVersion: '1', newVersion: '2', state: 'SUCCEEDED', weight: 100 });
    const rollout = (await h.get(`/lambda/rollouts/${id}`)).body;
    expect(rollout).toMatchObject({ state: 'SUCCEEDED', phase: 'DONE', weight: 100, stepIndex: plan.length - 1, deploymentType: type });
    expect(rollout.events.filter((e: { kind: string }) => e.kind === 'weight').map((e: { weight: number }) => e.weight)).toEqual(expectedWeights);
    // The webhook view of the same task.
    expect((await h.get(`/tasks/${id}`)).body).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('a custom step list shifts exactly its weights with its bakes; the webhook door answers 202 with Location', async () => {
    const { h } = await start();
    await seed(h);
    const res = await fetch(`${h.url}/lambda/rollouts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body({ steps: [{ weight: 5, bakeSeconds: 300 }, { weight: 25, bakeSeconds: 600 }, { weight: 100 }] })),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect(res.headers.get('location')).toBe(`${h.url}/tasks/${id}`);
    await h.waitForTask(id);
    expect(aliasWeights(h)).toEqual([5, 25, 100]);
    const at = h.lambda.aliasLog.map((e) => e.at - h.lambda.aliasLog[0]!.at);
    expect(at).toEqual([0, 300_000, 900_000]);
    const hook = (await h.get(`/tasks/${id}`)).body;
    expect(hook).toMatchObject({ status: 'SUCCEEDED' });
  });
});

describe('gates', () => {
  async function alarm(h: LambdaHarness, name: string) {
    await h.cloudwatch.send(new PutMetricAlarmCommand({ AlarmName: name, MetricName: 'Errors', Namespace: 'AWS/Lambda', Threshold: 1, EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanThreshold' }) as never);
    await h.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: 'OK', StateReason: 'fine' }) as never);
  }
  /** Runs `fn` `delayMs` after the alias first reaches `weight` (virtual time). */
  function afterWeight(h: LambdaHarness, clock: VirtualClock, weight: number, delayMs: number, fn: () => unknown) {
    let armed = true;
    h.lambda.failWith = (cmd, input) => {
      const w = (input.RoutingConfig as { AdditionalVersionWeights?: Record<string, number> } | undefined)?.AdditionalVersionWeights?.['2'];
      if (armed && cmd === 'UpdateAlias' && w !== undefined && Math.round(w * 100) === weight) {
        armed = false;
        clock.at(clock.now() + delayMs, fn);
      }
      return undefined;
    };
  }

  it.each([0, 1, 2])('an alarm that fires in the middle of step %i rolls back within one gate interval', async (k) => {
    const { h, clock } = await start();
    await seed(h);
    await alarm(h, 'shop-orders-5xx');
    const steps = [{ weight: 10, bakeSeconds: 300 }, { weight: 30, bakeSeconds: 300 }, { weight: 60, bakeSeconds: 300 }, { weight: 100 }];
    let firedAt = 0;
    afterWeight(h, clock, steps[k]!.weight, 150_000, async () => {
      firedAt = clock.now();
      await h.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'shop-orders-5xx', StateValue: 'ALARM', StateReason: 'errors' }) as never);
    });
    const id = await deploy(h, { steps, gates: { intervalSeconds: 60, alarms: ['shop-orders-5xx'] } });
    const task = await h.waitForTask(id);
    expect(task.status).toMatchObject({ completed: true, failed: true, retryable: false });
    expect(task.resultObjects[0].message).toMatch(/Rolled back shop-orders:live to version 1: alarm shop-orders-5xx is ALARM \(gate alarm:shop-orders-5xx, value ALARM, threshold ALARM\)/);
    // The weights went up to step k and then back to the old version with no additional weight.
    expect(aliasWeights(h)).toEqual([...steps.slice(0, k + 1).map((s) => s.weight), 0]);
    const rollbackAt = h.lambda.aliasLog[h.lambda.aliasLog.length - 1]!.at;
    expect(firedAt).toBeGreaterThan(0);
    expect(rollbackAt - firedAt).toBeGreaterThan(0);
    expect(rollbackAt - firedAt).toBeLessThanOrEqual(60_000);
    expect(alias(h)).toMatchObject({ FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: {} } });
    const rollout = (await h.get(`/lambda/rollouts/${id}`)).body;
    expect(rollout).toMatchObject({ state: 'ROLLED_BACK', phase: 'DONE', weight: 0 });
    expect(rollout.rollbackReason).toContain('alarm shop-orders-5xx is ALARM');
    expect(rollout.events).toContainEqual(expect.objectContaining({ kind: 'gate', gate: 'alarm:shop-orders-5xx', value: 'OK', passed: true }));
    expect(rollout.events).toContainEqual(expect.objectContaining({ kind: 'gate', gate: 'alarm:shop-orders-5xx', value: 'ALARM', passed: false }));
    expect((await h.get(`/tasks/${id}`)).body).toMatchObject({ status: 'TERMINAL', message: expect.stringContaining('alarm shop-orders-5xx is ALARM') });
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/outrigger_lambda_rollbacks_total\{reason="alarm"\} 1/);
  });

  const errorsGate = { intervalSeconds: 60, metrics: [{ metric: 'Errors', mode: 'rate', threshold: 0.05 }] };
  const steps = [{ weight: 10, bakeSeconds: 600 }, { weight: 100 }];

  it('an error rate over the threshold on the new version alone rolls back', async () => {
    const { h, clock } = await start();
    await seed(h);
    afterWeight(h, clock, 10, 90_000, () => {
      h.cloudwatch.recordInvocations({ functionName: 'shop-orders', alias: 'live', version: '2', at: clock.now(), invocations: 100, errors: 12 });
      h.cloudwatch.recordInvocations({ functionName: 'shop-orders', alias: 'live', version: '1', at: clock.now(), invocations: 900, errors: 0 });
    });
    const id = await deploy(h, { steps, gates: errorsGate });
    const task = await h.waitForTask(id);
    expect(task.status.failed).toBe(true);
    expect(task.resultObjects[0].message).toContain('Errors rate of version 2 is 0.12, threshold 0.05 (gate metric:Errors, value 0.12, threshold 0.05)');
    expect(aliasWeights(h)).toEqual([10, 0]);
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/outrigger_lambda_rollbacks_total\{reason="metric"\} 1/);
  });

  it('the same error rate on the old version does not roll back', async () => {
    const { h, clock } = await start();
    await seed(h);
    afterWeight(h, clock, 10, 90_000, () => {
      h.cloudwatch.recordInvocations({ functionName: 'shop-orders', alias: 'live', version: '1', at: clock.now(), invocations: 100, errors: 12 });
      h.cloudwatch.recordInvocations({ functionName: 'shop-orders', alias: 'live', version: '2', at: clock.now(), invocations: 100, errors: 0 });
    });
    const id = await deploy(h, { steps, gates: errorsGate });
    const task = await h.waitForTask(id);
    expect(task.status).toMatchObject({ failed: false });
    expect(aliasWeights(h)).toEqual([10, 100]);
    const rollout = (await h.get(`/lambda/rollouts/${id}`)).body;
    expect(rollout.events).toContainEqual(expect.objectContaining({ kind: 'gate', gate: 'metric:Errors', value: 0, threshold: 0.05, passed: true }));
  });

  it('p99 Duration compared with the old version: only an excess over the baseline fails', async () => {
    const { h, clock } = await start();
    await seed(h);
    afterWeight(h, clock, 10, 30_000, () => {
      h.cloudwatch.recordInvocations({ functionName: 'shop-orders', alias: 'live', version: '1', at: clock.now(), invocations: 100, durationsMs: Array(100).fill(400) });
      h.cloudwatch.recordInvocations({ functionName: 'shop-orders', alias: 'live', version: '2', at: clock.now(), invocations: 100, durationsMs: [...Array(95).fill(420), 900, 900, 900, 900, 900] });
    });
    const id = await deploy(h, { steps, gates: { intervalSeconds: 60, metrics: [{ metric: 'Duration', statistic: 'p99', threshold: 200, comparedToBaseline: true }] } });
    const task = await h.waitForTask(id);
    expect(task.resultObjects[0].message).toContain('p99 Duration of version 2 is 900, threshold 600 (old version 1: 400 + 200)');
  });

  it('an invoke check with a JSON-path assertion: a failing share over the allowed rate rolls back', async () => {
    const { h } = await start();
    await seed(h);
    let n = 0;
    h.lambda.onInvoke = async ({ functionName, qualifier }) => {
      if (functionName !== 'shop-orders' || qualifier !== '2') return undefined;
      n++;
      if (n % 4 === 0) return { payload: JSON.stringify({ errorMessage: 'boom' }), functionError: 'Unhandled' };
      return { payload: JSON.stringify({ statusCode: n % 4 === 3 ? 500 : 200 }) };
    };
    const id = await deploy(h, { steps, gates: { intervalSeconds: 60, invokeCheck: { invocations: 4, payload: '{"ping":true}', jsonPath: '$.statusCode', equals: 200, successRate: 0.75 } } });
    const task = await h.waitForTask(id);
    expect(task.status.failed).toBe(true);
    expect(task.resultObjects[0].message).toContain('invoke check of version 2: 2/4 passed (need 75%); first failure: $.statusCode is 500, expected 200');
    expect(aliasWeights(h)).toEqual([10, 0]);
  });

  it('an invoke check that passes, with a regex, lets the rollout finish', async () => {
    const { h } = await start();
    await seed(h);
    h.lambda.onInvoke = async ({ qualifier }) => (qualifier === '2' ? { payload: '{"status":"healthy","version":2}' } : undefined);
    const id = await deploy(h, { steps, gates: { intervalSeconds: 120, invokeCheck: { invocations: 3, regex: '"status":"healthy"' } } });
    expect((await h.waitForTask(id)).status.failed).toBe(false);
    const gates = (await h.get(`/lambda/rollouts/${id}`)).body.events.filter((e: { gate?: string }) => e.gate === 'invoke');
    expect(gates.length).toBe(5);
    expect(gates.every((g: { passed: boolean; value: number }) => g.passed && g.value === 1)).toBe(true);
  });

  it('refuses to start when a named alarm does not exist, before any traffic moves', async () => {
    const { h } = await start();
    await seed(h);
    const id = await deploy(h, { deploymentType: 'Canary10Percent5Minutes', gates: { alarms: ['no-such-alarm'] } });
    const task = await h.waitForTask(id);
    expect(task.resultObjects[0].message).toContain('alarm no-such-alarm does not exist in CloudWatch');
    expect(h.lambda.aliasLog).toEqual([]);
    expect((await h.get(`/lambda/rollouts/${id}`)).body).toMatchObject({ state: 'FAILED' });
  });
});

describe('CodeDeploy-compatible hooks', () => {
  /** A SAM-style hook function: reads DeploymentId and LifecycleEventHookExecutionId and reports through the real AWS SDK client pointed at outrigger. */
  function hookFunction(h: LambdaHarness, name: string, status: 'Succeeded' | 'Failed' | 'silent') {
    h.lambda.seed(name);
    const seen: Record<string, unknown>[] = [];
    const previous = h.lambda.onInvoke;
    h.lambda.onInvoke = async (call) => {
      if (call.functionName !== name) return previous?.(call);
      const event = JSON.parse(call.payload) as { DeploymentId: string; LifecycleEventHookExecutionId: string };
      seen.push({ ...event, invocationType: call.invocationType });
      if (status === 'silent') return undefined;
      const client = new CodeDeployClient({ region: 'us-east-1', endpoint: `${h.url}/codedeploy`, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' } });
      await client.send(new PutLifecycleEventHookExecutionStatusCommand({ deploymentId: event.DeploymentId, lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId, status }));
      return undefined;
    };
    return seen;
  }

  it('BeforeAllowTraffic and AfterAllowTraffic that succeed frame the shift; the hooks get CodeDeploy’s event', async () => {
    const { h } = await start();
    await seed(h);
    const pre = hookFunction(h, 'shop-pre', 'Succeeded');
    const post = hookFunction(h, 'shop-post', 'Succeeded');
    const id = await deploy(h, { deploymentType: 'Canary10Percent5Minutes', hooks: { beforeAllowTraffic: 'shop-pre', afterAllowTraffic: 'shop-post' } });
    expect((await h.waitForTask(id)).status.failed).toBe(false);
    expect(pre).toEqual([{ DeploymentId: id, LifecycleEventHookExecutionId: expect.stringMatching(/^[0-9a-f]{48}$/), invocationType: 'Event' }]);
    expect(post).toHaveLength(1);
    expect(aliasWeights(h)).toEqual([10, 100]);
    const events = (await h.get(`/lambda/rollouts/${id}`)).body.events.map((e: { kind: string; message: string }) => `${e.kind}: ${e.message}`);
    const i = (re: RegExp) => events.findIndex((e: string) => re.test(e));
    expect(i(/BeforeAllowTraffic hook shop-pre reported Succeeded/)).toBeLessThan(i(/^weight: live: 10%/));
    expect(i(/AfterAllowTraffic hook shop-post reported Succeeded/)).toBeGreaterThan(i(/^weight: live: 100%/));
  });

  it('BeforeAllowTraffic Failed rolls back without moving any traffic', async () => {
    const { h } = await start();
    await seed(h);
    hookFunction(h, 'shop-pre', 'Failed');
    const id = await deploy(h, { deploymentType: 'Linear10PercentEvery1Minute', hooks: { beforeAllowTraffic: 'shop-pre' } });
    const task = await h.waitForTask(id);
    expect(task.resultObjects[0].message).toContain('BeforeAllowTraffic hook shop-pre reported Failed');
    expect(aliasWeights(h)).toEqual([]);
    expect(alias(h).FunctionVersion).toBe('1');
    expect((await fetch(`${h.url}/metrics`).then((r) => r.text()))).toMatch(/outrigger_lambda_rollbacks_total\{reason="hook"\} 1/);
  });

  it('AfterAllowTraffic Failed puts the alias back on the old version', async () => {
    const { h } = await start();
    await seed(h);
    hookFunction(h, 'shop-post', 'Failed');
    const id = await deploy(h, { deploymentType: 'Canary10Percent5Minutes', hooks: { afterAllowTraffic: 'shop-post' } });
    const task = await h.waitForTask(id);
    expect(task.resultObjects[0].message).toContain('AfterAllowTraffic hook shop-post reported Failed');
    expect(aliasWeights(h)).toEqual([10, 100, 0]);
    expect(alias(h)).toMatchObject({ FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: {} } });
  });

  it('a hook that never reports times out and rolls back', async () => {
    const { h, clock } = await start();
    await seed(h);
    hookFunction(h, 'shop-post', 'silent');
    const id = await deploy(h, { deploymentType: 'Canary10Percent5Minutes', hooks: { afterAllowTraffic: 'shop-post', timeoutSeconds: 600 } });
    const task = await h.waitForTask(id);
    expect(task.resultObjects[0].message).toContain('AfterAllowTraffic hook shop-post did not report within 600s');
    expect(aliasWeights(h)).toEqual([10, 100, 0]);
    const log = h.lambda.aliasLog;
    expect(log[2]!.at - log[1]!.at).toBeGreaterThanOrEqual(600_000);
    expect(clock.now()).toBeGreaterThan(0);
  });

  it('a report for an unknown execution is a 404; a second, different report is a 409', async () => {
    const { h } = await start();
    const r = await h.post('/codedeploy', { deploymentId: 'nope', lifecycleEventHookExecutionId: 'x', status: 'Succeeded' });
    expect(r.status).toBe(404);
    const bad = await h.post('/codedeploy', { deploymentId: 'nope', lifecycleEventHookExecutionId: 'x', status: 'Maybe' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: '$.body.status' })]);
  });
});

describe('manual controls and ownership', () => {
  async function manual() {
    const clock = new VirtualClock({ auto: false });
    const { h } = await start(clock);
    await seed(h);
    return { h, clock };
  }
  const steps = [{ weight: 10, bakeSeconds: 600 }, { weight: 50, bakeSeconds: 600 }, { weight: 100 }];
  async function untilWeight(h: LambdaHarness, clock: VirtualClock, n: number) {
    for (let i = 0; i < 10_000 && h.lambda.aliasLog.length < n; i++) {
      await clock.untilWaiting();
      if (h.lambda.aliasLog.length >= n) break;
      await clock.step();
    }
  }

  it('pause stops the bake clock, resume continues it, skip and promote shift at once', async () => {
    const { h, clock } = await manual();
    const id = await deploy(h, { steps, gates: { intervalSeconds: 60 } });
    await untilWeight(h, clock, 1);
    expect(aliasWeights(h)).toEqual([10]);
    const paused = await h.post(`/lambda/rollouts/${id}/pause`, { reason: 'looking at dashboards' });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ state: 'PAUSED', weight: 10 });
    expect((await h.post(`/lambda/rollouts/${id}/pause`, {})).status).toBe(409);
    // Far past the bake: nothing moves while paused.
    for (let i = 0; i < 30; i++) {
      await clock.untilWaiting();
      await clock.step();
    }
    expect(aliasWeights(h)).toEqual([10]);
    const resumed = await h.post(`/lambda/rollouts/${id}/resume`, {});
    expect(resumed.body).toMatchObject({ state: 'RUNNING' });
    expect(resumed.body.nextShiftAt - clock.now()).toBeGreaterThan(0);
    const skipped = await h.post(`/lambda/rollouts/${id}/skip`, {});
    expect(skipped.status).toBe(200);
    await untilWeight(h, clock, 2);
    expect(aliasWeights(h)).toEqual([10, 50]);
    await h.post(`/lambda/rollouts/${id}/promote`, { reason: 'metrics look great' });
    await untilWeight(h, clock, 3);
    clock.auto = true;
    void clock.step();
    const task = await h.waitForTask(id);
    expect(task.status.failed).toBe(false);
    expect(aliasWeights(h)).toEqual([10, 50, 100]);
    const events = (await h.get(`/lambda/rollouts/${id}`)).body.events;
    expect(events).toContainEqual(expect.objectContaining({ kind: 'control', message: expect.stringMatching(/^pause requested.*: looking at dashboards$/) }));
    expect(events).toContainEqual(expect.objectContaining({ kind: 'decision', message: 'Promoting to 100%: promote requested by anonymous: metrics look great' }));
    expect((await h.post(`/lambda/rollouts/${id}/rollback`, {})).status).toBe(409);
  });

  it('roll back now: the alias returns to the old version and the task fails naming the request', async () => {
    const { h, clock } = await manual();
    const id = await deploy(h, { steps });
    await untilWeight(h, clock, 2);
    const r = await h.post(`/lambda/rollouts/${id}/rollback`, { reason: 'customer reports' });
    expect(r.status).toBe(200);
    clock.auto = true;
    void clock.step();
    const task = await h.waitForTask(id);
    expect(task.resultObjects[0].message).toContain('rollback requested by anonymous: customer reports');
    expect(aliasWeights(h)).toEqual([10, 50, 0]);
    expect(await fetch(`${h.url}/metrics`).then((x) => x.text())).toMatch(/outrigger_lambda_rollbacks_total\{reason="manual"\} 1/);
  });

  it('a second rollout on the same alias is a 409 naming the first; /metrics shows the current weight', async () => {
    const { h, clock } = await manual();
    const id = await deploy(h, { steps });
    await untilWeight(h, clock, 1);
    const second = await h.post('/lambda/rollouts', body({ deploymentType: 'AllAtOnce' }));
    expect(second.status).toBe(409);
    expect(second.body.message).toContain(`is being rolled out by ${id}`);
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toContain(`outrigger_lambda_rollout_weight{rollout="${id}",account="prod",region="us-east-1",function="shop-orders",alias="live"} 10`);
    // Orca's own alias operations cannot move an alias a rollout owns.
    const upsert = await h.post('/aws/ops/upsertLambdaFunctionAlias', { credentials: 'prod', region: 'us-east-1', functionName: 'shop-orders', aliasName: 'live', majorFunctionVersion: '1' });
    expect(upsert.status).toBe(409);
    expect(upsert.body.message).toContain(`is being rolled out by ${id}`);
    const list = (await h.get('/lambda/rollouts?active=true')).body;
    expect(list.map((r: { id: string }) => r.id)).toEqual([id]);
    await h.post(`/lambda/rollouts/${id}/rollback`, {});
    clock.auto = true;
    void clock.step();
    await h.waitForTask(id);
    const third = await h.post('/aws/ops/deployLambdaProgressive', body({ deploymentType: 'AllAtOnce' }));
    expect(third.status).toBe(200);
  });

  it('refuses an alias already split by someone else, and an unknown version', async () => {
    const { h } = await start();
    await seed(h);
    const fn = h.lambda.functions.get('shop-orders')!;
    fn.aliases.get('live')!.RoutingConfig = { AdditionalVersionWeights: { '1': 0.2 } };
    const id = await deploy(h, { deploymentType: 'AllAtOnce' });
    expect((await h.waitForTask(id)).resultObjects[0].message).toContain('is already split (20% on version 1) and no outrigger rollout owns it');
    fn.aliases.get('live')!.RoutingConfig = { AdditionalVersionWeights: {} };
    const id2 = await deploy(h, { deploymentType: 'AllAtOnce', targetVersion: '9' });
    expect((await h.waitForTask(id2)).resultObjects[0].message).toContain('Version 9 of shop-orders does not exist');
  });

  it('a bad plan is a 400 naming the fields', async () => {
    const { h } = await start();
    const r = await h.post('/aws/ops/deployLambdaProgressive', body({ steps: [{ weight: 50 }, { weight: 20 }], gates: { invokeCheck: { regex: '(' } } }));
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['$.body.gates.invokeCheck.regex', '$.body.steps[1].weight', '$.body.steps[1].weight']);
  });
});

describe('an alias changed outside the rollout', () => {
  it.each([
    ['a person sent all traffic back to the old version', { FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: {} } }, 'version 1'],
    ['a person changed the split', { FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 0.3 } } }, 'version 1 with 30% on version 2'],
  ])('%s: the rollout stops at its next step, leaves the alias as they set it and fails, naming both', async (_n, edit, now) => {
    const clock = new VirtualClock();
    const { h } = await start(clock);
    await seed(h);
    let armed = true;
    let editedAt = 0;
    h.lambda.failWith = (cmd, input) => {
      const w = (input.RoutingConfig as { AdditionalVersionWeights?: Record<string, number> } | undefined)?.AdditionalVersionWeights?.['2'];
      if (armed && cmd === 'UpdateAlias' && w === 0.1) {
        armed = false;
        clock.at(clock.now() + 120_000, () => {
          editedAt = clock.now();
          return h.lambda.send(new UpdateAliasCommand({ FunctionName: 'shop-orders', Name: 'live', ...edit }) as never);
        });
      }
      return undefined;
    };
    const id = await deploy(h, { steps: [{ weight: 10, bakeSeconds: 300 }, { weight: 50, bakeSeconds: 300 }, { weight: 100 }] });
    const task = await h.waitForTask(id);
    expect(task.status).toMatchObject({ completed: true, failed: true, retryable: false });
    expect(task.resultObjects[0].message).toContain(`Alias live of shop-orders was changed outside this rollout: it routes to ${now}, where the rollout left version 1 with 10% on version 2.`);
    // AWS saw the rollout's 10%, the person's change, and nothing from the rollout after it.
    expect(h.lambda.aliasLog).toHaveLength(2);
    expect(alias(h)).toMatchObject(edit);
    const rollout = (await h.get(`/lambda/rollouts/${id}`)).body;
    expect(rollout).toMatchObject({ state: 'FAILED', phase: 'DONE', weight: 10 });
    expect(rollout.events.at(-1)).toMatchObject({ kind: 'finished', message: expect.stringContaining('stopped during the bake of step 1 of 3') });
    // Seen within one gate interval (60 s by default), not only at the end of the 300 s bake.
    expect(rollout.events.at(-1).at - editedAt).toBeLessThanOrEqual(60_000);
    // The alias is free: a new rollout is refused only because it is split (not because the old rollout still owns it).
    if (Object.keys(edit.RoutingConfig.AdditionalVersionWeights).length === 0) {
      const again = await deploy(h, { steps: [{ weight: 100 }] });
      expect((await h.waitForTask(again)).status).toMatchObject({ completed: true, failed: false });
    }
  });
});

describe('versions and provisioned concurrency', () => {
  it('publishes $LATEST only when its code or configuration changed since the newest version', async () => {
    const { h } = await start();
    await seed(h);
    const first = await deploy(h, { deploymentType: 'AllAtOnce' });
    expect((await h.waitForTask(first)).resultObjects[0]).toMatchObject({ newVersion: '2' });
    // Unchanged: no new version, nothing to shift.
    const again = await deploy(h, { deploymentType: 'AllAtOnce' });
    const t = await h.waitForTask(again);
    expect(t.status.failed).toBe(false);
    expect(h.lambda.functions.get('shop-orders')!.versions.map((v) => v.Version)).toEqual(['1', '2']);
    expect((await h.get(`/lambda/rollouts/${again}`)).body.events.map((e: { message: string }) => e.message)).toContain('live already serves version 2; nothing to shift');
    // A configuration change alone publishes version 3.
    const f = h.lambda.functions.get('shop-orders')!;
    f.config = { ...f.config, MemorySize: 512 };
    const third = await deploy(h, { deploymentType: 'AllAtOnce' });
    expect((await h.waitForTask(third)).resultObjects[0]).toMatchObject({ oldVersion: '2', newVersion: '3' });
    const msgs = (await h.get(`/lambda/rollouts/${third}`)).body.events.map((e: { message: string }) => e.message);
    expect(msgs).toContain('Published version 3 of shop-orders (configuration changed since version 2)');
  });

  it('puts provisioned concurrency on the new version and waits for READY before the first shift; the alias keeps its own', async () => {
    const { h } = await start();
    await seed(h);
    const fn = h.lambda.functions.get('shop-orders')!;
    fn.provisioned.set('live', { requested: 7, reads: 0 });
    const order: string[] = [];
    h.lambda.failWith = (cmd, input) => {
      if (/ProvisionedConcurrency|UpdateAlias/.test(cmd)) order.push(`${cmd} ${input.Qualifier ?? ''}`.trim());
      return undefined;
    };
    const id = await deploy(h, { deploymentType: 'Canary10Percent5Minutes' });
    expect((await h.waitForTask(id)).status.failed).toBe(false);
    const firstShift = order.indexOf('UpdateAlias');
    const ready = order.findIndex((c, i) => c === 'GetProvisionedConcurrencyConfig 2' && i > order.indexOf('PutProvisionedConcurrencyConfig 2'));
    expect(order.indexOf('PutProvisionedConcurrencyConfig 2')).toBeGreaterThanOrEqual(0);
    expect(ready).toBeLessThan(firstShift);
    // At the end the alias has its 7 again and no version-level allocation is left.
    expect([...fn.provisioned.entries()].map(([q, p]) => [q, p.requested])).toEqual([['live', 7]]);
  });

  it('on rollback the alias’s provisioned concurrency is restored and the new version’s released', async () => {
    const { h } = await start();
    await seed(h);
    const fn = h.lambda.functions.get('shop-orders')!;
    fn.provisioned.set('live', { requested: 3, reads: 0 });
    h.lambda.seed('shop-pre');
    h.lambda.onInvoke = async ({ functionName, payload }) => {
      if (functionName !== 'shop-pre') return undefined;
      const e = JSON.parse(payload);
      await h.post('/codedeploy', { deploymentId: e.DeploymentId, lifecycleEventHookExecutionId: e.LifecycleEventHookExecutionId, status: 'Failed' });
      return undefined;
    };
    const id = await deploy(h, { deploymentType: 'Canary10Percent5Minutes', provisionedConcurrentExecutions: 5, hooks: { beforeAllowTraffic: 'shop-pre' } });
    expect((await h.waitForTask(id)).status.failed).toBe(true);
    expect([...fn.provisioned.entries()].map(([q, p]) => [q, p.requested])).toEqual([['live', 3]]);
  });
});
