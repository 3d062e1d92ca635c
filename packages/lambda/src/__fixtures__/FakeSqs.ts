import { randomUUID } from 'node:crypto';
import {
  EmptyBatchRequest,
  InvalidAttributeValue,
  QueueDoesNotExist,
  QueueNameExists,
  ReceiptHandleIsInvalid,
  TooManyEntriesInBatchRequest,
} from '@aws-sdk/client-sqs';
import { realClock, type Clock } from '../inventory/clock.js';

const meta = { $metadata: {} };

interface Message {
  id: string;
  body: string;
  sentAt: number;
  receiveCount: number;
  visibleAt: number;
  /** The receipt handle of the latest receive; only it deletes the message. */
  handle?: string;
}

interface Queue {
  name: string;
  url: string;
  arn: string;
  attributes: Record<string, string>;
  messages: Message[];
}

/**
 * A stateful SQS at the SDK boundary, on a controllable clock. It models what the change feed relies on: a received
 * message is invisible for the visibility timeout and comes back if not deleted; each receive increments its
 * `ApproximateReceiveCount` and hands out a new receipt handle (only the latest deletes it); with a `RedrivePolicy`, a
 * message whose receive count has reached `maxReceiveCount` is moved to the dead-letter queue on the next receive
 * instead of being delivered; long polling waits up to `WaitTimeSeconds` for a message. Errors are the SDK's classes.
 */
export class FakeSqs {
  readonly queues = new Map<string, Queue>();
  readonly calls = new Map<string, number>();
  private readonly wakers = new Set<() => void>();

  constructor(
    private readonly options: { clock?: Clock; accountId?: string; region?: string } = {},
  ) {}

  private get clock() {
    return this.options.clock ?? realClock;
  }
  private get accountId() {
    return this.options.accountId ?? '123456789012';
  }
  private get region() {
    return this.options.region ?? 'us-east-1';
  }

  get totalCalls(): number {
    let n = 0;
    for (const v of this.calls.values()) n += v;
    return n;
  }

  /** The queue behind a URL (tests read messages and attributes). */
  queue(url: string): Queue {
    const q = this.queues.get(url);
    if (!q) throw new QueueDoesNotExist({ message: 'The specified queue does not exist.', ...meta } as never);
    return q;
  }

  byArn(arn: string): Queue | undefined {
    return [...this.queues.values()].find((q) => q.arn === arn);
  }

  /** Sends without counting a call (what EventBridge does when a rule delivers). */
  deliver(url: string, body: string): void {
    const q = this.queue(url);
    q.messages.push({ id: randomUUID(), body, sentAt: this.clock.now(), receiveCount: 0, visibleAt: this.clock.now() });
    for (const w of [...this.wakers]) w();
  }

  async send(command: { input: Record<string, unknown>; constructor: { name: string } }, options?: { abortSignal?: AbortSignal }): Promise<unknown> {
    const name = command.constructor.name.replace(/Command$/, '');
    this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
    const i = command.input;
    switch (name) {
      case 'CreateQueue': {
        const qname = String(i.QueueName);
        const url = `https://sqs.${this.region}.amazonaws.com/${this.accountId}/${qname}`;
        const attributes: Record<string, string> = { VisibilityTimeout: '30', MessageRetentionPeriod: '345600', ...((i.Attributes as Record<string, string>) ?? {}) };
        if (attributes.RedrivePolicy) this.checkRedrive(attributes.RedrivePolicy);
        const existing = this.queues.get(url);
        if (existing) {
          const differs = Object.entries((i.Attributes as Record<string, string>) ?? {}).some(([k, v]) => existing.attributes[k] !== v);
          if (differs) throw new QueueNameExists({ message: `A queue already exists with the same name and a different value for attribute(s)`, ...meta } as never);
          return { QueueUrl: url };
        }
        this.queues.set(url, { name: qname, url, arn: `arn:aws:sqs:${this.region}:${this.accountId}:${qname}`, attributes, messages: [] });
        return { QueueUrl: url };
      }
      case 'GetQueueUrl': {
        const url = `https://sqs.${this.region}.amazonaws.com/${this.accountId}/${String(i.QueueName)}`;
        this.queue(url);
        return { QueueUrl: url };
      }
      case 'GetQueueAttributes': {
        const q = this.queue(String(i.QueueUrl));
        const all: Record<string, string> = {
          ...q.attributes,
          QueueArn: q.arn,
          ApproximateNumberOfMessages: String(q.messages.filter((m) => m.visibleAt <= this.clock.now()).length),
          ApproximateNumberOfMessagesNotVisible: String(q.messages.filter((m) => m.visibleAt > this.clock.now()).length),
        };
        const names = (i.AttributeNames as string[] | undefined) ?? [];
        return { Attributes: names.includes('All') ? all : Object.fromEntries(names.filter((n) => n in all).map((n) => [n, all[n]!])) };
      }
      case 'SetQueueAttributes': {
        const q = this.queue(String(i.QueueUrl));
        const attrs = i.Attributes as Record<string, string>;
        if (attrs.RedrivePolicy) this.checkRedrive(attrs.RedrivePolicy);
        Object.assign(q.attributes, attrs);
        return {};
      }
      case 'SendMessage': {
        this.deliver(String(i.QueueUrl), String(i.MessageBody));
        const q = this.queue(String(i.QueueUrl));
        return { MessageId: q.messages.at(-1)!.id };
      }
      case 'ReceiveMessage':
        return this.receive(i, options?.abortSignal);
      case 'DeleteMessage': {
        this.remove(this.queue(String(i.QueueUrl)), String(i.ReceiptHandle));
        return {};
      }
      case 'DeleteMessageBatch': {
        const q = this.queue(String(i.QueueUrl));
        const entries = (i.Entries as { Id: string; ReceiptHandle: string }[]) ?? [];
        if (!entries.length) throw new EmptyBatchRequest({ message: 'There should be at least one DeleteMessageBatchRequestEntry in the request.', ...meta } as never);
        if (entries.length > 10) throw new TooManyEntriesInBatchRequest({ message: 'Maximum number of entries per request are 10.', ...meta } as never);
        const Successful: { Id: string }[] = [];
        const Failed: { Id: string; Code: string; SenderFault: boolean; Message: string }[] = [];
        for (const e of entries) {
          try {
            this.remove(q, e.ReceiptHandle);
            Successful.push({ Id: e.Id });
          } catch (err) {
            Failed.push({ Id: e.Id, Code: 'ReceiptHandleIsInvalid', SenderFault: true, Message: (err as Error).message });
          }
        }
        return { Successful, Failed };
      }
      case 'ChangeMessageVisibility': {
        const q = this.queue(String(i.QueueUrl));
        const m = q.messages.find((x) => x.handle === i.ReceiptHandle);
        if (!m) throw new ReceiptHandleIsInvalid({ message: 'The input receipt handle is invalid.', ...meta } as never);
        m.visibleAt = this.clock.now() + Number(i.VisibilityTimeout) * 1000;
        return {};
      }
      default:
        throw new Error(`FakeSqs does not implement ${name}`);
    }
  }

  private checkRedrive(policy: string) {
    let p: { deadLetterTargetArn?: string; maxReceiveCount?: number | string };
    try {
      p = JSON.parse(policy);
    } catch {
      throw new InvalidAttributeValue({ message: 'Invalid value for the parameter RedrivePolicy.', ...meta } as never);
    }
    const max = Number(p.maxReceiveCount);
    if (!p.deadLetterTargetArn || !Number.isInteger(max) || max < 1 || max > 1000 || !this.byArn(p.deadLetterTargetArn))
      throw new InvalidAttributeValue({ message: 'Value for parameter RedrivePolicy is invalid. Reason: Dead-letter target does not exist or maxReceiveCount is out of range.', ...meta } as never);
  }

  private remove(q: Queue, handle: string) {
    const at = q.messages.findIndex((m) => m.handle === handle);
    if (at < 0) throw new ReceiptHandleIsInvalid({ message: `The input receipt handle "${handle}" is not a valid receipt handle.`, ...meta } as never);
    q.messages.splice(at, 1);
  }

  private take(q: Queue, max: number, visibilityMs: number) {
    const now = this.clock.now();
    const redrive = q.attributes.RedrivePolicy ? (JSON.parse(q.attributes.RedrivePolicy) as { deadLetterTargetArn: string; maxReceiveCount: number | string }) : undefined;
    const out: Message[] = [];
    for (const m of [...q.messages]) {
      if (out.length >= max) break;
      if (m.visibleAt > now) continue;
      if (redrive && m.receiveCount >= Number(redrive.maxReceiveCount)) {
        const dlq = this.byArn(redrive.deadLetterTargetArn);
        q.messages.splice(q.messages.indexOf(m), 1);
        if (dlq) dlq.messages.push({ ...m, visibleAt: now, handle: undefined as never });
        continue;
      }
      m.receiveCount++;
      m.visibleAt = now + visibilityMs;
      m.handle = randomUUID();
      out.push(m);
    }
    return out;
  }

  private async receive(i: Record<string, unknown>, signal?: AbortSignal) {
    const q = this.queue(String(i.QueueUrl));
    const max = Math.min(10, Math.max(1, Number(i.MaxNumberOfMessages ?? 1)));
    const visibilityMs = Number(i.VisibilityTimeout ?? q.attributes.VisibilityTimeout) * 1000;
    const deadline = this.clock.now() + Number(i.WaitTimeSeconds ?? q.attributes.ReceiveMessageWaitTimeSeconds ?? 0) * 1000;
    for (;;) {
      const got = this.take(q, max, visibilityMs);
      if (got.length || this.clock.now() >= deadline || signal?.aborted) {
        return {
          Messages: got.map((m) => ({
            MessageId: m.id,
            ReceiptHandle: m.handle,
            Body: m.body,
            Attributes: { ApproximateReceiveCount: String(m.receiveCount), SentTimestamp: String(m.sentAt) },
          })),
        };
      }
      // Sleep until the deadline, the next message becoming visible, a new message, or abort.
      const nextVisible = Math.min(...q.messages.map((m) => m.visibleAt).filter((t) => t > this.clock.now()), deadline);
      const wake = new AbortController();
      const w = () => wake.abort();
      this.wakers.add(w);
      signal?.addEventListener('abort', w, { once: true });
      await this.clock.sleep(nextVisible - this.clock.now(), wake.signal);
      this.wakers.delete(w);
      signal?.removeEventListener('abort', w);
    }
  }
}
