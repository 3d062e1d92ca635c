import { DeleteMessageBatchCommand, ReceiveMessageCommand, type DeleteMessageBatchCommandOutput, type ReceiveMessageCommandOutput } from '@aws-sdk/client-sqs';
import type { Logger } from 'pino';
import type { AccountConfig } from '@outrigger/runtime';
import type { Clock } from '../inventory/clock.js';
import { parseChangeMessage } from './parseChangeMessage.js';

export type FeedOutcome = 'change' | 'heartbeat' | 'fresh' | 'ignored' | 'foreign' | 'malformed' | 'failed';

export interface ChangeFeedDeps {
  queueUrl: string;
  account: AccountConfig;
  region: string;
  sqs: { send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown> };
  clock: Clock;
  logger: Logger;
  /** Re-reads one function; rejects when the read failed (the message then stays on the queue). */
  refresh(name: string): Promise<void>;
  /** When the function was last read (ms, this process's clock), for skipping events older than the entry. */
  cachedAt(name: string): number | undefined;
  /** The function of an event source mapping, for mapping events that name only the mapping. */
  functionOfMapping(uuid: string): string | undefined;
  /** Called when the feed turns healthy or silent. */
  onHealth(healthy: boolean): void;
  /** No message (event or heartbeat) for this long → silent → the region polls. */
  silenceMs: number;
  /** Long-poll wait per ReceiveMessage (s, at most 20). */
  waitTimeSeconds: number;
  /** Waits for the account's call budget before each SQS call (SQS calls are AWS calls of the account too). */
  take?: () => Promise<void>;
  /** Counts each message's outcome (metrics). */
  onOutcome?: (outcome: FeedOutcome) => void;
  /** An event older than the entry by this much is skipped (allows for clock skew between AWS and this host). */
  skewMs?: number;
}

export interface FeedStatus {
  queueUrl: string;
  healthy: boolean;
  lastMessageAt?: string;
  lastHeartbeatAt?: string;
  lastError?: string;
  messages: Record<FeedOutcome, number>;
}

/**
 * Consumes one SQS queue that an EventBridge rule fills with Lambda's "AWS API Call via CloudTrail" events (and a
 * scheduled heartbeat). Each change event re-reads the one function it names; the message is deleted once that read
 * succeeded. A malformed, foreign or irrelevant message is counted and deleted (dropped). A message whose read fails
 * is left alone: SQS makes it visible again after the visibility timeout, and after the queue's `maxReceiveCount`
 * receives its redrive policy moves it to the dead-letter queue. The consumer never retries a message itself and
 * never stops on a bad one.
 */
export class ChangeFeed {
  private readonly counts: Record<FeedOutcome, number> = { change: 0, heartbeat: 0, fresh: 0, ignored: 0, foreign: 0, malformed: 0, failed: 0 };
  private lastMessageAt?: number;
  private lastHeartbeatAt?: number;
  private lastError?: string;
  private healthy = false;
  private abort?: AbortController;
  private loop?: Promise<void>;

  constructor(readonly deps: ChangeFeedDeps) {}

  get isHealthy(): boolean {
    return this.healthy;
  }

  status(): FeedStatus {
    this.checkHealth();
    return {
      queueUrl: this.deps.queueUrl,
      healthy: this.healthy,
      ...(this.lastMessageAt !== undefined ? { lastMessageAt: new Date(this.lastMessageAt).toISOString() } : {}),
      ...(this.lastHeartbeatAt !== undefined ? { lastHeartbeatAt: new Date(this.lastHeartbeatAt).toISOString() } : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
      messages: { ...this.counts },
    };
  }

  /** Re-evaluates health (silence since the last message) and reports a change. */
  checkHealth(): boolean {
    const h = this.lastMessageAt !== undefined && this.deps.clock.now() - this.lastMessageAt <= this.deps.silenceMs;
    if (h !== this.healthy) {
      this.healthy = h;
      this.deps.logger[h ? 'info' : 'warn'](
        { queueUrl: this.deps.queueUrl, account: this.deps.account.name, region: this.deps.region },
        h ? 'lambda change feed healthy' : `lambda change feed silent for ${Math.round(this.deps.silenceMs / 1000)} s; the region falls back to polling`,
      );
      this.deps.onHealth(h);
    }
    return h;
  }

  start(): void {
    if (this.abort) return;
    this.abort = new AbortController();
    this.loop = this.run(this.abort.signal);
  }

  async stop(): Promise<void> {
    this.abort?.abort();
    await this.loop;
    this.abort = undefined;
  }

  private async run(signal: AbortSignal) {
    let backoff = 1000;
    while (!signal.aborted) {
      try {
        await this.pollOnce(signal);
        backoff = 1000;
      } catch (err) {
        if (signal.aborted) break;
        this.lastError = `${(err as Error).name}: ${(err as Error).message}`;
        this.deps.logger.warn({ err, queueUrl: this.deps.queueUrl }, 'lambda change feed: receiving failed');
        this.checkHealth();
        await this.deps.clock.sleep(backoff, signal);
        backoff = Math.min(60_000, backoff * 2);
      }
    }
  }

  /** One ReceiveMessage (long poll) and the handling of what it returned. */
  async pollOnce(signal?: AbortSignal): Promise<void> {
    await this.deps.take?.();
    const got = (await this.deps.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.deps.queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: this.deps.waitTimeSeconds,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
      signal ? { abortSignal: signal } : undefined,
    )) as ReceiveMessageCommandOutput;
    delete this.lastError;
    const messages = got.Messages ?? [];
    if (messages.length) this.lastMessageAt = this.deps.clock.now();
    const done: { Id: string; ReceiptHandle: string }[] = [];
    await Promise.all(
      messages.map(async (m, i) => {
        let outcome: FeedOutcome;
        try {
          outcome = await this.handle(m.Body ?? '');
        } catch (err) {
          outcome = 'failed';
          this.deps.logger.warn(
            { err, queueUrl: this.deps.queueUrl, messageId: m.MessageId, receiveCount: m.Attributes?.ApproximateReceiveCount },
            'lambda change feed: could not re-read the function of an event; the message stays on the queue (its redrive policy decides)',
          );
        }
        this.counts[outcome]++;
        this.deps.onOutcome?.(outcome);
        if (outcome !== 'failed' && m.ReceiptHandle) done.push({ Id: String(i), ReceiptHandle: m.ReceiptHandle });
      }),
    );
    if (done.length) {
      await this.deps.take?.();
      const res = (await this.deps.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: this.deps.queueUrl, Entries: done }))) as DeleteMessageBatchCommandOutput;
      for (const f of res.Failed ?? []) this.deps.logger.warn({ queueUrl: this.deps.queueUrl, code: f.Code, message: f.Message }, 'lambda change feed: could not delete a handled message');
    }
    this.checkHealth();
  }

  private async handle(body: string): Promise<FeedOutcome> {
    const msg = parseChangeMessage(body);
    const { account, region } = this.deps;
    switch (msg.kind) {
      case 'heartbeat':
        if ((msg.accountId && msg.accountId !== account.accountId) || (msg.region && msg.region !== region)) return 'foreign';
        this.lastHeartbeatAt = this.deps.clock.now();
        return 'heartbeat';
      case 'malformed':
      case 'foreign':
      case 'ignored':
        this.deps.logger.debug({ queueUrl: this.deps.queueUrl, reason: msg.reason }, `lambda change feed: ${msg.kind} message dropped`);
        return msg.kind;
      case 'change': {
        if ((account.accountId && msg.accountId !== account.accountId) || msg.region !== region) {
          this.deps.logger.debug({ queueUrl: this.deps.queueUrl, accountId: msg.accountId, region: msg.region }, 'lambda change feed: event of another account or region dropped');
          return 'foreign';
        }
        const name = msg.functionName ?? (msg.mappingUuid ? this.deps.functionOfMapping(msg.mappingUuid) : undefined);
        if (!name) return 'ignored';
        const at = this.deps.cachedAt(name);
        if (at !== undefined && msg.eventTime !== undefined && at > msg.eventTime + (this.deps.skewMs ?? 5_000)) return 'fresh';
        await this.deps.refresh(name);
        return 'change';
      }
    }
  }
}
