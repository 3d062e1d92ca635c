import { fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { AccountConfig, OutriggerConfig } from '../config/configSchema.js';

/** The part of every SDK v3 client config outrigger sets. */
export interface AwsClientConfig {
  region: string;
  endpoint?: string;
  credentials?: AwsCredentialIdentityProvider;
  maxAttempts: number;
  retryMode: 'adaptive';
  /** Path-style addressing, which S3-compatible endpoints (MinIO, LocalStack) need. */
  forcePathStyle?: boolean;
}

/** Any SDK v3 client class (`LambdaClient`, `ECSClient`, …). */
export type AwsClientClass<C> = new (config: AwsClientConfig) => C;

export interface AwsClientFactory {
  /** One client per (account, region, client class), created on first use and reused. */
  client<C>(clientClass: AwsClientClass<C>, account: AccountConfig, region: string): C;
  /**
   * The credentials outrigger's own clients use for this account (its `assumeRole` + `externalId`, else the base
   * credentials), for a process that must act as the same account (Packer). Cached and refreshed by the SDK.
   */
  credentials?(account: AccountConfig, region: string): AwsCredentialIdentityProvider;
  /** Per account, the last AWS call's outcome and the last error seen (what `/health` shows under `aws`). */
  accountHealth?(): Record<string, AccountHealth>;
}

export interface AccountHealth {
  lastSuccessAt?: string;
  lastError?: { message: string; service: string; at: string };
}

/** clouddriver's `assumeRole: role/name` completes to the account's role ARN. */
export function roleArnFor(account: AccountConfig): string | undefined {
  if (!account.assumeRole) return undefined;
  if (account.assumeRole.startsWith('arn:')) return account.assumeRole;
  return `arn:aws:iam::${account.accountId}:${account.assumeRole.replace(/^:?/, '')}`;
}

/**
 * Builds SDK clients with the SDK's adaptive retries and, when the account names `assumeRole`, STS credentials
 * (`externalId` included), resolved once per account and shared across its regions and services. An account's
 * `endpoint` points every client (STS included) at an AWS-compatible endpoint. Tests pass `makeClient` to put a
 * stateful fake in place of the SDK client.
 */
export function createAwsClientFactory(deps: {
  config: Pick<OutriggerConfig, 'aws'>;
  /** Base credentials; the SDK's default chain when absent. */
  credentials?: AwsCredentialIdentityProvider;
  makeClient?: <C>(clientClass: AwsClientClass<C>, config: AwsClientConfig, account: AccountConfig) => C;
}): AwsClientFactory {
  const clients = new Map<string, unknown>();
  const health = new Map<string, AccountHealth>();
  const record = (account: string, service: string, err?: unknown) => {
    const h = health.get(account) ?? {};
    const at = new Date().toISOString();
    if (err === undefined) h.lastSuccessAt = at;
    else {
      const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
      const status = e.$metadata?.httpStatusCode;
      h.lastError = { message: `${e.name ?? 'Error'}: ${e.message ?? String(err)}${status ? ` (HTTP ${status})` : ''}`, service, at };
    }
    health.set(account, h);
  };
  /** Every SDK call of the client is recorded against its account; the error still reaches the caller unchanged. */
  const watch = (client: unknown, account: string, service: string) => {
    const stack = (client as { middlewareStack?: { add(mw: unknown, options: object): void } }).middlewareStack;
    stack?.add(
      (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
        try {
          const out = await next(args);
          record(account, service);
          return out;
        } catch (err) {
          record(account, service, err);
          throw err;
        }
      },
      { step: 'initialize', name: 'outriggerAccountHealth' },
    );
  };
  const credentialsByAccount = new Map<string, AwsCredentialIdentityProvider | undefined>();
  const maxAttempts = deps.config.aws.client.maxAttempts;

  function credentialsFor(account: AccountConfig, region: string): AwsCredentialIdentityProvider | undefined {
    if (credentialsByAccount.has(account.name)) return credentialsByAccount.get(account.name);
    const roleArn = roleArnFor(account);
    const provider = roleArn
      ? fromTemporaryCredentials({
          params: {
            RoleArn: roleArn,
            RoleSessionName: account.sessionName ?? 'outrigger',
            ...(account.externalId ? { ExternalId: account.externalId } : {}),
          },
          ...(deps.credentials ? { masterCredentials: deps.credentials } : {}),
          clientConfig: { region, ...(account.endpoint ? { endpoint: account.endpoint } : {}), maxAttempts },
        })
      : deps.credentials;
    credentialsByAccount.set(account.name, provider);
    return provider;
  }

  let defaultChain: AwsCredentialIdentityProvider | undefined;
  return {
    credentials(account, region) {
      return credentialsFor(account, region) ?? (defaultChain ??= fromNodeProviderChain());
    },
    client<C>(clientClass: AwsClientClass<C>, account: AccountConfig, region: string): C {
      const key = `${account.name}\u0000${region}\u0000${clientClass.name}`;
      let c = clients.get(key) as C | undefined;
      if (!c) {
        const credentials = credentialsFor(account, region);
        const config: AwsClientConfig = {
          region,
          maxAttempts,
          retryMode: 'adaptive',
          ...(account.endpoint ? { endpoint: account.endpoint, forcePathStyle: true } : {}),
          ...(credentials ? { credentials } : {}),
        };
        c = deps.makeClient ? deps.makeClient(clientClass, config, account) : new clientClass(config);
        watch(c, account.name, clientClass.name.replace(/Client$/, ''));
        clients.set(key, c);
      }
      return c;
    },
    accountHealth() {
      return Object.fromEntries(deps.config.aws.accounts.map((a) => [a.name, { ...(health.get(a.name) ?? {}) }]));
    },
  };
}
