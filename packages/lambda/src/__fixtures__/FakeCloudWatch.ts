import { InvalidParameterValueException, ResourceNotFound, type MetricAlarm } from '@aws-sdk/client-cloudwatch';

const meta = { $metadata: {} };

interface Datum {
  namespace: string;
  name: string;
  dims: string;
  at: number;
  values: number[];
}

type Dimension = { Name?: string; Value?: string };
const dimKey = (dims: Dimension[] | undefined) =>
  (dims ?? [])
    .map((d) => `${d.Name}=${d.Value}`)
    .sort()
    .join(',');
const timeOf = (t: unknown) => (t instanceof Date ? t.getTime() : typeof t === 'number' ? t * (t < 1e11 ? 1000 : 1) : Date.parse(String(t)));

function statistic(stat: string, values: number[]): number | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  switch (stat) {
    case 'Sum':
      return values.reduce((a, b) => a + b, 0);
    case 'SampleCount':
      return values.length;
    case 'Average':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'Maximum':
      return sorted[sorted.length - 1];
    case 'Minimum':
      return sorted[0];
  }
  const p = /^p(\d{1,2}(?:\.\d+)?)$/.exec(stat);
  if (!p) throw new InvalidParameterValueException({ message: `The value ${stat} for parameter MetricDataQueries.member.1.MetricStat.Stat is not valid.`, ...meta } as never);
  // Nearest-rank percentile over the raw samples.
  const rank = Math.ceil((Number(p[1]) / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/**
 * A stateful CloudWatch at the SDK boundary: metric alarms (PutMetricAlarm replaces the whole alarm, SetAlarmState
 * changes only its state, DescribeAlarms by name) and metric data (PutMetricData of values or value/count arrays;
 * GetMetricData buckets raw samples by period and computes Sum, SampleCount, Average, Minimum, Maximum and pNN; a query
 * matches only metrics with exactly its dimensions, as CloudWatch does). `calls` counts every command by name.
 */
export class FakeCloudWatch {
  readonly alarms = new Map<string, MetricAlarm>();
  readonly data: Datum[] = [];
  readonly calls = new Map<string, number>();

  get totalCalls(): number {
    let n = 0;
    for (const v of this.calls.values()) n += v;
    return n;
  }

  /** Test helper: invocations (with errors, throttles and durations) of one version through one alias at `at`. */
  recordInvocations(o: { functionName: string; alias: string; version: string; at: number; invocations: number; errors?: number; throttles?: number; durationsMs?: number[] }) {
    const dims = [
      { Name: 'FunctionName', Value: o.functionName },
      { Name: 'Resource', Value: `${o.functionName}:${o.alias}` },
      { Name: 'ExecutedVersion', Value: o.version },
    ];
    const put = (name: string, values: number[]) => this.data.push({ namespace: 'AWS/Lambda', name, dims: dimKey(dims), at: o.at, values });
    put('Invocations', [o.invocations]);
    put('Errors', [o.errors ?? 0]);
    put('Throttles', [o.throttles ?? 0]);
    if (o.durationsMs?.length) put('Duration', o.durationsMs);
  }

  async send(command: { input: Record<string, unknown>; constructor: { name: string } }): Promise<unknown> {
    const name = command.constructor.name.replace(/Command$/, '');
    this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
    const i = command.input;
    switch (name) {
      case 'PutMetricAlarm': {
        const alarmName = String(i.AlarmName);
        const old = this.alarms.get(alarmName);
        // A Put replaces the whole alarm; a new alarm starts INSUFFICIENT_DATA.
        this.alarms.set(alarmName, {
          ...(i as MetricAlarm),
          AlarmArn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${alarmName}`,
          StateValue: old?.StateValue ?? 'INSUFFICIENT_DATA',
          StateReason: old?.StateReason ?? 'Unchecked: Initial alarm creation',
        });
        return {};
      }
      case 'SetAlarmState': {
        const a = this.alarms.get(String(i.AlarmName));
        if (!a) throw new ResourceNotFound({ message: `Alarm ${i.AlarmName} not found`, ...meta } as never);
        a.StateValue = i.StateValue as MetricAlarm['StateValue'];
        a.StateReason = String(i.StateReason ?? '');
        a.StateUpdatedTimestamp = new Date();
        return {};
      }
      case 'DescribeAlarms': {
        const names = (i.AlarmNames as string[] | undefined) ?? [...this.alarms.keys()];
        const found = names.map((n) => this.alarms.get(n)).filter((a): a is MetricAlarm => Boolean(a));
        return { MetricAlarms: found.map((a) => ({ ...a })), CompositeAlarms: [] };
      }
      case 'PutMetricData': {
        for (const m of (i.MetricData as Record<string, unknown>[]) ?? []) {
          const values =
            m.Value !== undefined
              ? [Number(m.Value)]
              : ((m.Values as number[] | undefined) ?? []).flatMap((v, k) => Array<number>(Number((m.Counts as number[] | undefined)?.[k] ?? 1)).fill(v));
          this.data.push({ namespace: String(i.Namespace), name: String(m.MetricName), dims: dimKey(m.Dimensions as Dimension[]), at: timeOf(m.Timestamp ?? new Date()), values });
        }
        return {};
      }
      case 'GetMetricData': {
        const start = timeOf(i.StartTime);
        const end = timeOf(i.EndTime);
        const results = ((i.MetricDataQueries as Record<string, any>[]) ?? []).map((q) => {
          const ms = q.MetricStat;
          const periodMs = Number(ms.Period) * 1000;
          const buckets = new Map<number, number[]>();
          for (const d of this.data) {
            if (d.namespace !== ms.Metric.Namespace || d.name !== ms.Metric.MetricName || d.dims !== dimKey(ms.Metric.Dimensions)) continue;
            if (d.at < start || d.at >= end) continue;
            const b = start + Math.floor((d.at - start) / periodMs) * periodMs;
            buckets.set(b, [...(buckets.get(b) ?? []), ...d.values]);
          }
          const ts = [...buckets.keys()].sort((a, b) => b - a);
          return { Id: q.Id, Label: ms.Metric.MetricName, Timestamps: ts.map((t) => new Date(t)), Values: ts.map((t) => statistic(ms.Stat, buckets.get(t)!)!), StatusCode: 'Complete' };
        });
        return { MetricDataResults: results, Messages: [] };
      }
      default:
        throw new Error(`FakeCloudWatch does not implement ${name}`);
    }
  }
}
