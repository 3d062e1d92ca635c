import { DescribeAlarmsCommand, GetMetricDataCommand, type DescribeAlarmsCommandOutput, type GetMetricDataCommandOutput } from '@aws-sdk/client-cloudwatch';
import { InvokeCommand, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import type { LambdaInvokeCheckSchema, LambdaMetricGateSchema, LambdaRolloutGatesSchema } from '@outrigger/contract';
import { JSONPath } from 'jsonpath-plus';
import type { z } from 'zod';

type Gates = z.infer<typeof LambdaRolloutGatesSchema>;
type MetricGate = z.infer<typeof LambdaMetricGateSchema>;
type InvokeCheck = z.infer<typeof LambdaInvokeCheckSchema>;

/** One gate reading: what was read, against what, and whether it passes. */
export interface GateReading {
  gate: string;
  value: number | string | null;
  threshold: number | string | null;
  passed: boolean;
  message: string;
}

export interface GateDeps {
  functionName: string;
  aliasName: string;
  newVersion: string;
  oldVersion: string;
  now(): number;
  send<T>(client: unknown, command: object): Promise<T>;
  lambda: unknown;
  cloudwatch(): unknown;
}

const fmt = (v: number) => String(Number(v.toPrecision(3)));

/** CloudWatch alarms by name: any in ALARM fails; a missing alarm fails too (a gate that cannot be read is not a pass). */
export async function readAlarms(deps: GateDeps, names: string[]): Promise<GateReading[]> {
  if (!names.length) return [];
  const out: GateReading[] = [];
  for (let i = 0; i < names.length; i += 100) {
    const batch = names.slice(i, i + 100);
    const r = await deps.send<DescribeAlarmsCommandOutput>(deps.cloudwatch(), new DescribeAlarmsCommand({ AlarmNames: batch, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }));
    const states = new Map<string, string>();
    for (const a of [...(r.MetricAlarms ?? []), ...(r.CompositeAlarms ?? [])]) if (a.AlarmName) states.set(a.AlarmName, a.StateValue ?? 'INSUFFICIENT_DATA');
    for (const name of batch) {
      const state = states.get(name);
      if (!state) out.push({ gate: `alarm:${name}`, value: 'MISSING', threshold: 'ALARM', passed: false, message: `alarm ${name} does not exist in CloudWatch` });
      else out.push({ gate: `alarm:${name}`, value: state, threshold: 'ALARM', passed: state !== 'ALARM', message: `alarm ${name} is ${state}` });
    }
  }
  return out;
}

const STAT_SUM = 'Sum';
const dims = (d: GateDeps, version: string) => [
  { Name: 'FunctionName', Value: d.functionName },
  { Name: 'Resource', Value: `${d.functionName}:${d.aliasName}` },
  { Name: 'ExecutedVersion', Value: version },
];

/**
 * Metric thresholds on one version, through the alias (`ExecutedVersion` dimension): a rate (Errors or Throttles per
 * Invocation) or an absolute statistic, optionally against the old version's value for the same window. All metric
 * gates of one check are read in one GetMetricData call.
 */
export async function readMetrics(deps: GateDeps, gates: MetricGate[]): Promise<GateReading[]> {
  if (!gates.length) return [];
  const end = deps.now();
  const period = Math.max(...gates.map((g) => g.periodSeconds ?? 60));
  const queries = new Map<string, { metric: string; stat: string; version: string; period: number }>();
  const id = (metric: string, stat: string, version: string) => `m_${metric}_${stat.replace(/\W/g, '_')}_${version === deps.newVersion ? 'new' : 'old'}`.toLowerCase();
  const want = (metric: string, stat: string, version: string, p: number) => {
    const k = id(metric, stat, version);
    queries.set(k, { metric, stat, version, period: p });
    return k;
  };
  const plans = gates.map((g) => {
    const mode = g.mode ?? (g.metric === 'Duration' ? 'absolute' : 'rate');
    const stat = g.metric === 'Duration' ? (g.statistic ?? 'p99') : STAT_SUM;
    const p = g.periodSeconds ?? 60;
    const versions = g.comparedToBaseline ? [deps.newVersion, deps.oldVersion] : [deps.newVersion];
    const ids = versions.map((v) => ({ value: want(g.metric, stat, v, p), invocations: want('Invocations', STAT_SUM, v, p) }));
    return { g, mode, stat, ids };
  });
  const start = end - period * 1000;
  const r = await deps.send<GetMetricDataCommandOutput>(
    deps.cloudwatch(),
    new GetMetricDataCommand({
      StartTime: new Date(start),
      EndTime: new Date(end),
      MetricDataQueries: [...queries.entries()].map(([qid, q]) => ({
        Id: qid,
        ReturnData: true,
        MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: q.metric, Dimensions: dims(deps, q.version) }, Period: period, Stat: q.stat },
      })),
    }),
  );
  const values = new Map<string, number[]>();
  for (const res of r.MetricDataResults ?? []) if (res.Id) values.set(res.Id, res.Values ?? []);
  const total = (qid: string) => (values.get(qid) ?? []).reduce((a, b) => a + b, 0);
  const worst = (qid: string) => {
    const v = values.get(qid) ?? [];
    return v.length ? Math.max(...v) : undefined;
  };
  return plans.map(({ g, mode, stat, ids }) => {
    const label = g.metric === 'Duration' ? `${stat} Duration` : `${g.metric}${mode === 'rate' ? ' rate' : ''}`;
    const read = (x: { value: string; invocations: string }) => {
      if (mode === 'rate') {
        const inv = total(x.invocations);
        return { inv, v: inv > 0 ? total(x.value) / inv : undefined };
      }
      return { inv: total(x.invocations), v: stat === STAT_SUM ? total(x.value) : worst(x.value) };
    };
    const mine = read(ids[0]!);
    const gate = `metric:${g.metric}`;
    const minInv = g.minInvocations ?? 1;
    if (mine.v === undefined || (mode === 'rate' && mine.inv < minInv))
      return { gate, value: null, threshold: g.threshold, passed: true, message: `${label} of version ${deps.newVersion}: no data yet (${mine.inv} invocations in ${g.periodSeconds ?? 60}s)` };
    let threshold = g.threshold;
    let base = '';
    if (g.comparedToBaseline) {
      const old = read(ids[1]!);
      threshold = g.threshold + (old.v ?? 0);
      base = ` (old version ${deps.oldVersion}: ${old.v === undefined ? 'no data' : fmt(old.v)} + ${fmt(g.threshold)})`;
    }
    const passed = mine.v <= threshold;
    return { gate, value: mine.v, threshold, passed, message: `${label} of version ${deps.newVersion} is ${fmt(mine.v)}, threshold ${fmt(threshold)}${base}` };
  });
}

/** Evaluates the invoke check's assertion on one response; returns why it failed, or undefined. */
export function checkResponse(check: InvokeCheck, payload: string, functionError: string | undefined): string | undefined {
  if (functionError) return `FunctionError ${functionError}: ${payload.slice(0, 200)}`;
  if (check.regex != null && !new RegExp(check.regex).test(payload)) return `response does not match /${check.regex}/`;
  if (check.jsonPath != null) {
    let json: unknown;
    try {
      json = JSON.parse(payload);
    } catch {
      return 'response is not JSON';
    }
    // Script evaluation is off: the path comes from a pipeline and runs on outrigger.
    const found = JSONPath({ path: check.jsonPath, json: json as object, wrap: true, eval: false }) as unknown[];
    if (!found.length) return `${check.jsonPath} is absent`;
    if (check.equals !== undefined) {
      const got = found.length === 1 ? found[0] : found;
      if (JSON.stringify(got) !== JSON.stringify(check.equals)) return `${check.jsonPath} is ${JSON.stringify(got)?.slice(0, 100)}, expected ${JSON.stringify(check.equals)}`;
    }
  }
  return undefined;
}

/** N invocations of the new version; the share that passes must reach `successRate`. */
export async function readInvokeCheck(deps: GateDeps, check: InvokeCheck): Promise<GateReading> {
  const n = check.invocations ?? 1;
  const want = check.successRate ?? 1;
  let ok = 0;
  let firstFailure: string | undefined;
  const payload = new TextEncoder().encode(check.payload ?? '{}');
  for (let i = 0; i < n; i++) {
    let why: string | undefined;
    try {
      const r = await deps.send<InvokeCommandOutput>(deps.lambda, new InvokeCommand({ FunctionName: deps.functionName, Qualifier: deps.newVersion, InvocationType: 'RequestResponse', Payload: payload }));
      why = checkResponse(check, r.Payload ? Buffer.from(r.Payload).toString('utf8') : '', r.FunctionError);
    } catch (err) {
      why = `invoke failed: ${(err as Error).name}: ${(err as Error).message}`;
    }
    if (why) firstFailure ??= why;
    else ok++;
  }
  const rate = ok / n;
  return {
    gate: 'invoke',
    value: rate,
    threshold: want,
    passed: rate >= want,
    message: `invoke check of version ${deps.newVersion}: ${ok}/${n} passed (need ${fmt(want * 100)}%)${firstFailure ? `; first failure: ${firstFailure}` : ''}`,
  };
}

/** Every configured gate, read once. */
export async function readGates(deps: GateDeps, gates: Gates | null | undefined): Promise<GateReading[]> {
  if (!gates) return [];
  return [
    ...(await readAlarms(deps, gates.alarms ?? [])),
    ...(await readMetrics(deps, gates.metrics ?? [])),
    ...(gates.invokeCheck ? [await readInvokeCheck(deps, gates.invokeCheck)] : []),
  ];
}
