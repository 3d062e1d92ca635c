import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AccountConfig } from '@outrigger/runtime';
import type { LambdaConfig } from '../config.js';

/** What one Lambda operation runs with: the account's clients for one region, retries, waits and its status line. */
export interface OperationContext {
  account: AccountConfig;
  region: string;
  config: LambdaConfig;
  lambda: LambdaClient;
  elb(): ElasticLoadBalancingV2Client;
  s3(): S3Client;
  /** `client.send` with throttling retries. */
  send<T>(client: unknown, command: object): Promise<T>;
  sleep(ms: number): Promise<void>;
  now(): number;
  /** Appends a history line under the operation's phase. */
  status(line: string): Promise<void>;
  /** Re-reads one function into the inventory (every write calls it for what it touched). */
  refresh(functionName: string): Promise<void>;
  /** Evicts one function from the inventory. */
  evict(functionName: string): void;
  /** Downloads an `http/file` artifact. */
  fetchBytes(url: string, maxBytes: number): Promise<Buffer>;
}
