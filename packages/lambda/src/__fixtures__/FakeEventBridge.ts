import { InvalidEventPatternException, ResourceNotFoundException } from '@aws-sdk/client-eventbridge';
import type { FakeSqs } from './FakeSqs.js';

const meta = { $metadata: {} };

interface Rule {
  Name: string;
  Arn: string;
  EventPattern?: string;
  ScheduleExpression?: string;
  State: string;
  Description?: string;
  targets: Map<string, { Id: string; Arn: string; Input?: string }>;
}

/** EventBridge's matching for the subset rules use here: literal arrays, nested objects, `prefix`. */
export function matches(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) {
    return pattern.some((p) =>
      p && typeof p === 'object' && 'prefix' in (p as object)
        ? typeof value === 'string' && value.startsWith(String((p as { prefix: string }).prefix))
        : Array.isArray(value)
          ? value.includes(p)
          : value === p,
    );
  }
  if (pattern && typeof pattern === 'object') {
    if (!value || typeof value !== 'object') return false;
    return Object.entries(pattern as Record<string, unknown>).every(([k, p]) => matches(p, (value as Record<string, unknown>)[k]));
  }
  return false;
}

/**
 * A stateful EventBridge at the SDK boundary: `PutRule` creates or updates a rule (a pattern must be JSON),
 * `PutTargets`/`ListTargetsByRule`/`DescribeRule`, and `route(event)` delivers an event to the SQS targets of every
 * enabled pattern rule that matches it, as EventBridge does (when the queue's policy lets the rule send).
 */
export class FakeEventBridge {
  readonly rules = new Map<string, Rule>();
  readonly calls = new Map<string, number>();
  constructor(private readonly options: { sqs?: FakeSqs; accountId?: string; region?: string } = {}) {}

  async send(command: { input: Record<string, unknown>; constructor: { name: string } }): Promise<unknown> {
    const name = command.constructor.name.replace(/Command$/, '');
    this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
    const i = command.input;
    const region = this.options.region ?? 'us-east-1';
    const account = this.options.accountId ?? '123456789012';
    switch (name) {
      case 'PutRule': {
        const ruleName = String(i.Name);
        if (i.EventPattern !== undefined) {
          try {
            JSON.parse(String(i.EventPattern));
          } catch {
            throw new InvalidEventPatternException({ message: 'Event pattern is not valid.', ...meta } as never);
          }
        }
        const arn = `arn:aws:events:${region}:${account}:rule/${ruleName}`;
        const prev = this.rules.get(ruleName);
        this.rules.set(ruleName, {
          Name: ruleName,
          Arn: arn,
          ...(i.EventPattern !== undefined ? { EventPattern: String(i.EventPattern) } : {}),
          ...(i.ScheduleExpression !== undefined ? { ScheduleExpression: String(i.ScheduleExpression) } : {}),
          ...(i.Description !== undefined ? { Description: String(i.Description) } : {}),
          State: String(i.State ?? 'ENABLED'),
          targets: prev?.targets ?? new Map(),
        });
        return { RuleArn: arn };
      }
      case 'DescribeRule': {
        const r = this.rule(String(i.Name));
        return { Name: r.Name, Arn: r.Arn, EventPattern: r.EventPattern, ScheduleExpression: r.ScheduleExpression, State: r.State, Description: r.Description };
      }
      case 'PutTargets': {
        const r = this.rule(String(i.Rule));
        for (const t of i.Targets as { Id: string; Arn: string; Input?: string }[]) r.targets.set(t.Id, { ...t });
        return { FailedEntryCount: 0, FailedEntries: [] };
      }
      case 'ListTargetsByRule':
        return { Targets: [...this.rule(String(i.Rule)).targets.values()] };
      default:
        throw new Error(`FakeEventBridge does not implement ${name}`);
    }
  }

  private rule(name: string): Rule {
    const r = this.rules.get(name);
    if (!r) throw new ResourceNotFoundException({ message: `Rule ${name} does not exist on EventBus default.`, ...meta } as never);
    return r;
  }

  /** Delivers an event to the queues of matching rules whose queue policy allows the rule; returns how many got it. */
  route(event: Record<string, unknown>): number {
    let n = 0;
    for (const r of this.rules.values()) {
      if (r.State !== 'ENABLED' || !r.EventPattern || !matches(JSON.parse(r.EventPattern), event)) continue;
      n += this.toTargets(r, JSON.stringify(event));
    }
    return n;
  }

  /** Fires a scheduled rule once (what EventBridge does at each `rate(...)` tick). */
  tick(ruleName: string, time: string): number {
    const r = this.rule(ruleName);
    const event = {
      version: '0',
      id: crypto.randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: this.options.accountId ?? '123456789012',
      time,
      region: this.options.region ?? 'us-east-1',
      resources: [r.Arn],
      detail: {},
    };
    return this.toTargets(r, JSON.stringify(event));
  }

  private toTargets(r: Rule, body: string): number {
    let n = 0;
    for (const t of r.targets.values()) {
      const q = this.options.sqs?.byArn(t.Arn);
      if (!q) continue;
      const policy = q.attributes.Policy ? (JSON.parse(q.attributes.Policy) as { Statement: { Principal?: { Service?: string }; Action?: string | string[]; Condition?: { ArnEquals?: Record<string, string | string[]> } }[] }) : undefined;
      const allowed = policy?.Statement.some((s) => {
        const src = s.Condition?.ArnEquals?.['aws:SourceArn'];
        return s.Principal?.Service === 'events.amazonaws.com' && [s.Action].flat().includes('sqs:SendMessage') && (!src || [src].flat().includes(r.Arn));
      });
      if (!allowed) continue;
      this.options.sqs!.deliver(q.url, t.Input ?? body);
      n++;
    }
    return n;
  }
}
