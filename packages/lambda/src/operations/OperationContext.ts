import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AccountConfig } from '@outrigger/runtime';
import type { LambdaConfig } from '../config.js';

export interface FetchableArtifact {
  type: string;
  reference?: string | null | undefined;
  name?: string | null | undefined;
  version?: string | null | undefined;
  artifactAccount?: string | null | undefined;
  location?: string | null | undefined;
}

/** What one Lambda operation runs with: the account's clients for one region, retries, waits and its status line. */
export interface OperationContext {
  account: AccountConfig;
  region: string;
  config: LambdaConfig;
  lambda: LambdaClient;
  elb(): ElasticLoadBalancingV2Client;
  s3(): S3Client;
  /** `client.send` with throttling retries; `abortSignal` cancels the HTTP request (invoke timeouts). */
  send<T>(client: unknown, command: object, abortSignal?: AbortSignal): Promise<T>;
  sleep(ms: number): Promise<void>;
  now(): number;
  /** Appends a history line under the operation's phase. */
  status(line: string): Promise<void>;
  /** Re-reads one function into the inventory (every write calls it for what it touched). */
  refresh(functionName: string): Promise<void>;
  /** Evicts one function from the inventory. */
  evict(functionName: string): void;
  /**
   * The bytes of an artifact outrigger does not pass by reference: `embedded/base64` is decoded, `http/file` is
   * downloaded, and any other type (github/file, gitlab/file, an authenticated http/file…) is fetched through the
   * real clouddriver's `PUT /artifacts/fetch/` when `clouddriver.baseUrl` is set, with clouddriver's credentials.
   */
  fetchArtifact(artifact: FetchableArtifact, maxBytes: number): Promise<Buffer>;
}
