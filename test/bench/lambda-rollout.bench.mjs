// Lambda progressive delivery: AWS calls per minute of a running rollout, on a simulated clock (bounded real time,
// exact simulated timing). The real provider (makeLambdaProvider in compose) runs Linear10PercentEvery10Minutes
// (90 minutes of bakes) against counting Lambda and CloudWatch fakes at the SDK boundary, each call taking LATENCY_MS of
// simulated time, with
//   (a) no gates;
//   (b) two CloudWatch alarms;
//   (c) two alarms + three metric gates (Errors rate, Throttles rate, p99 Duration against the old version);
//   (d) (c) + an invoke check of 3 invocations;
// each checked every 60 s (the default), and (d) again at a 10 s interval.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const LATENCY_MS = 20;
const MINUTE = 60_000;

function counting(clock, handle) {
  const fake = {
    times: [],
    byCommand: {},
    async send(command) {
      const name = command.constructor.name.replace(/Command$/, '');
      fake.times.push(clock.now());
      fake.byCommand[name] = (fake.byCommand[name] ?? 0) + 1;
      await clock.sleep(LATENCY_MS);
      return handle(name, command.input);
    },
  };
  return fake;
}

function fakeLambda(clock) {
  const alias = { Name: 'live', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: {} } };
  const latest = { FunctionName: 'shop-orders', Version: '$LATEST', State: 'Active', LastUpdateStatus: 'Successful', CodeSha256: 'v2', Runtime: 'nodejs22.x', Handler: 'index.handler', MemorySize: 256, RevisionId: 'r2' };
  const versions = [{ ...latest, Version: '1', CodeSha256: 'v1' }];
  return counting(clock, (name, i) => {
    switch (name) {
      case 'GetAlias':
        return structuredClone(alias);
      case 'UpdateAlias':
        Object.assign(alias, { FunctionVersion: i.FunctionVersion, RoutingConfig: i.RoutingConfig });
        return structuredClone(alias);
      case 'GetFunctionConfiguration':
        return i.Qualifier ? versions.find((v) => v.Version === i.Qualifier) : { ...latest };
      case 'ListVersionsByFunction':
        return { Versions: [{ ...latest }, ...versions] };
      case 'PublishVersion': {
        const v = { ...latest, Version: String(versions.length + 1) };
        versions.push(v);
        return v;
      }
      case 'GetProvisionedConcurrencyConfig':
        throw Object.assign(new Error('No Provisioned Concurrency Config found for this function'), { name: 'ProvisionedConcurrencyConfigNotFoundException' });
      case 'Invoke':
        return { StatusCode: 200, ExecutedVersion: i.Qualifier, Payload: new TextEncoder().encode('{"statusCode":200}') };
      default:
        throw new Error(`bench fake Lambda: ${name}`);
    }
  });
}

function fakeCloudWatch(clock) {
  return counting(clock, (name, i) => {
    if (name === 'DescribeAlarms') return { MetricAlarms: i.AlarmNames.map((n) => ({ AlarmName: n, StateValue: 'OK' })), CompositeAlarms: [] };
    if (name === 'GetMetricData') return { MetricDataResults: i.MetricDataQueries.map((q) => ({ Id: q.Id, Values: [q.MetricStat.Metric.MetricName === 'Invocations' ? 1000 : 0], Timestamps: [new Date(clock.now())] })) };
    throw new Error(`bench fake CloudWatch: ${name}`);
  });
}

async function run(server, gates) {
  const clock = server.createManualClock();
  const lambda = fakeLambda(clock);
  const cloudwatch = fakeCloudWatch(clock);
  const config = server.ConfigSchema.parse({
    dataDir: '.outrigger-bench',
    storage: { type: 'memory' },
    logging: { level: 'silent' },
    aws: { accounts: [{ name: 'prod', accountId: '123456789012', regions: ['us-east-1'], lambdaEnabled: true }] },
    lambda: { inventory: { enabled: false } },
  });
  const composed = await server.compose({
    config,
    aws: { client: (cls) => (cls.name === 'CloudWatchClient' ? cloudwatch : lambda) },
    providers: [server.makeLambdaProvider({ clock, sleep: clock.sleep, now: clock.now })],
  });
  const http = composed.app.listen(0, '127.0.0.1');
  await new Promise((r) => http.once('listening', r));
  const url = `http://127.0.0.1:${http.address().port}`;
  await composed.start({ baseUrl: url });
  const started = clock.now();
  const res = await fetch(`${url}/lambda/rollouts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ credentials: 'prod', region: 'us-east-1', functionName: 'shop-orders', aliasName: 'live', deploymentType: 'Linear10PercentEvery10Minutes', gates }),
  });
  const { id } = await res.json();
  let status;
  for (let i = 0; i < 200; i++) {
    await clock.advance(MINUTE);
    status = (await (await fetch(`${url}/tasks/${id}`)).json()).status;
    if (status !== 'RUNNING') break;
  }
  const ended = clock.now();
  await composed.close();
  await new Promise((r) => http.close(r));
  const times = [...lambda.times, ...cloudwatch.times];
  const minutes = (ended - started) / MINUTE;
  // Calls per minute while a bake runs (minutes 5..85: away from the start and the end).
  const bakeFrom = started + 5 * MINUTE;
  const bakeTo = started + 85 * MINUTE;
  const inBake = times.filter((t) => t >= bakeFrom && t < bakeTo).length / ((bakeTo - bakeFrom) / MINUTE);
  return { status, total: times.length, minutes, inBake, byCommand: { ...lambda.byCommand, ...cloudwatch.byCommand } };
}

export default async function ({ root }) {
  const server = await import(pathToFileURL(path.join(root, 'packages/server/dist/index.js')).href);
  const alarms = ['shop-orders-5xx', 'shop-orders-latency'];
  const metrics = [
    { metric: 'Errors', mode: 'rate', threshold: 0.01 },
    { metric: 'Throttles', mode: 'rate', threshold: 0.01 },
    { metric: 'Duration', statistic: 'p99', threshold: 200, comparedToBaseline: true },
  ];
  const cases = [
    ['(a) no gates', {}],
    ['(b) 2 alarms', { alarms }],
    ['(c) 2 alarms + 3 metric gates', { alarms, metrics }],
    ['(d) (c) + invoke check x3', { alarms, metrics, invokeCheck: { invocations: 3, jsonPath: '$.statusCode', equals: 200 } }],
    ['(d) at a 10 s gate interval', { intervalSeconds: 10, alarms, metrics, invokeCheck: { invocations: 3, jsonPath: '$.statusCode', equals: 200 } }],
  ];
  const rows = [];
  for (const [label, gates] of cases) {
    const r = await run(server, { intervalSeconds: 60, ...gates });
    rows.push({
      name: `lambda rollout AWS calls/min while baking, Linear10PercentEvery10Minutes, ${label}`,
      value: r.inBake,
      unit: 'calls/min',
      note: `${r.total} calls over ${r.minutes.toFixed(0)} simulated min (${r.status}); ${Object.entries(r.byCommand)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    });
  }
  return rows;
}
