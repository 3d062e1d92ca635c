import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { Router } from 'express';
import type { z } from 'zod';
import { lambdaDescriptionSchemas, type FieldError, type LambdaOperationName } from '@outrigger/contract';
import {
  ConflictError,
  describedAccount,
  forwardForeignRequests,
  InputError,
  mapAwsError,
  parseConfigSection,
  UpstreamError,
  type AccountConfig,
  type Principal,
  type Provider,
  type ProviderDeps,
  type TaskContext,
} from '@outrigger/runtime';
import { sendWithRetry } from './aws/sendWithRetry.js';
import { LambdaConfigSchema, type LambdaConfig } from './config.js';
import { realClock, type Clock } from './inventory/clock.js';
import { createInventoryService, type InventoryService } from './inventory/createInventoryService.js';
import { FunctionInventory } from './inventory/FunctionInventory.js';
import { PostgresInventorySnapshot } from './inventory/PollerLeases.js';
import { clouddriverFunctions } from './clouddriverReads.js';
import { listRuntimes } from './listRuntimes.js';
import { createKeyedLock } from './keyedLock.js';
import { functionNameFor } from './naming.js';
import type { FetchableArtifact, OperationContext } from './operations/OperationContext.js';
import { lambdaOperationTable } from './operations/registry.js';
import { validateDescription } from './validateDescription.js';
import { createRollouts } from './progressive/bindRolloutRoutes.js';
import type { RolloutStore } from './progressive/RolloutStore.js';

export interface LambdaProviderOptions {
  /** Injected so tests never wait; an aborted signal ends the sleep early. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  /** Downloads `http/file` artifacts (default: `fetch`). */
  fetchBytes?: (url: string, maxBytes: number) => Promise<Buffer>;
  /** Sends a request to clouddriver's `PUT /artifacts/fetch/` (default: `fetch`). */
  fetchViaClouddriver?: (baseUrl: string, artifact: FetchableArtifact, maxBytes: number) => Promise<Buffer>;
  /** Replaces the rollout store (tests). */
  rolloutStore?: RolloutStore;
  /** Receives the inventory (tests and benchmarks fill or inspect it). */
  onInventory?: (inventory: FunctionInventory) => void;
  /** The inventory's clock (tests drive a manual one); defaults to the wall clock. */
  clock?: Clock;
  /** Random source for the sweep's phase (tests make it fixed). */
  random?: () => number;
}

interface Entry {
  op: LambdaOperationName;
  d: z.infer<(typeof lambdaDescriptionSchemas)[LambdaOperationName]>;
  at: string;
}

export class InvalidAccountException extends Error {
  override readonly name = 'InvalidAccountException';
}

/** How long one `http/file` code download may take. */
const ARTIFACT_TIMEOUT_MS = 120_000;

async function readLimited(res: Response, what: string, maxBytes: number): Promise<Buffer> {
  const len = Number(res.headers.get('content-length') ?? 0);
  if (len > maxBytes) throw new UpstreamError('artifact', `artifact ${what} is ${len} bytes, more than the ${maxBytes} allowed`);
  const buf = Buffer.from(await res.arrayBuffer());
  if (buf.length > maxBytes) throw new UpstreamError('artifact', `artifact ${what} is more than the ${maxBytes} bytes allowed`);
  return buf;
}

async function defaultFetchViaClouddriver(baseUrl: string, artifact: FetchableArtifact, maxBytes: number): Promise<Buffer> {
  const res = await fetch(`${baseUrl.replace(/\/$/, '')}/artifacts/fetch/`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(artifact),
  });
  const what = `${artifact.type} ${artifact.reference ?? artifact.name ?? ''}`;
  if (!res.ok) throw new UpstreamError('clouddriver', `clouddriver could not fetch artifact ${what}: HTTP ${res.status}`);
  return readLimited(res, what, maxBytes);
}


/** `createLambdaProvider` with injected clock, sleep and downloader (tests). */
/** The provider plus its inventory (benchmarks and operators' scripts read it). */
export type LambdaProvider = Provider & { inventory: FunctionInventory; inventoryService: InventoryService };

export function makeLambdaProvider(options: LambdaProviderOptions = {}): (deps: ProviderDeps) => LambdaProvider {
  return (deps) => buildProvider(deps, options);
}

/** The Lambda provider: clouddriver's 13 Lambda operations (plus alias delete), function reads and the inventory. */
export function createLambdaProvider(deps: ProviderDeps): LambdaProvider {
  return buildProvider(deps, {});
}

function buildProvider(deps: ProviderDeps, options: LambdaProviderOptions): LambdaProvider {
  const config: LambdaConfig = parseConfigSection(LambdaConfigSchema, deps.config.lambda, { source: deps.configSource, keyPath: ['lambda'] });
  const sleep =
    options.sleep ??
    ((ms: number, signal?: AbortSignal) =>
      new Promise<void>((r) => {
        const t = setTimeout(r, ms);
        signal?.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
      }));
  const now = options.now ?? (options.clock ? () => options.clock!.now() : Date.now);
  // http/file code goes through the runtime's guarded fetcher (artifacts.allowedHosts, redirects checked hop by hop).
  const fetchBytes =
    options.fetchBytes ??
    (async (url: string, maxBytes: number) => (await deps.fetchArtifact(url, { maxBytes, timeoutMs: ARTIFACT_TIMEOUT_MS, field: '$.artifact.reference' })).body);
  const fetchViaClouddriver = options.fetchViaClouddriver ?? defaultFetchViaClouddriver;
  const clouddriverUrl = deps.config.clouddriver.baseUrl;
  const fetchArtifact = async (a: FetchableArtifact, maxBytes: number): Promise<Buffer> => {
    const ref = a.reference ?? '';
    if (a.type === 'embedded/base64') return Buffer.from(ref, 'base64');
    const authenticatedHttp = a.type === 'http/file' && a.artifactAccount && a.artifactAccount !== 'no-auth-http-account';
    if (a.type === 'http/file' && !(authenticatedHttp && clouddriverUrl)) return fetchBytes(ref, maxBytes);
    if (!clouddriverUrl) throw new InputError(`artifact type ${a.type} needs clouddriver.baseUrl (outrigger fetches it through clouddriver)`);
    return fetchViaClouddriver(clouddriverUrl, a, maxBytes);
  };
  const send = <T>(client: unknown, command: object, abortSignal?: AbortSignal) => sendWithRetry<T>(client, command, { sleep }, abortSignal);
  // Several replicas: the inventory is written through to PostgreSQL and one replica per account/region polls AWS.
  const snapshot = deps.postgres ? new PostgresInventorySnapshot(deps.postgres, deps.logger) : undefined;
  const inventory = new FunctionInventory({
    aws: deps.aws,
    logger: deps.logger,
    send,
    concurrency: config.inventory.concurrency,
    detailRefreshMs: config.inventory.detailRefreshSeconds * 1000,
    now,
    ...(snapshot ? { snapshot } : deps.database ? { database: deps.database } : {}),
  });
  options.onInventory?.(inventory);
  const lambdaAccounts = () => deps.config.aws.accounts.filter((a) => a.lambdaEnabled);
  const regionsOf = (a: AccountConfig) => (a.regions.length ? a.regions : deps.config.aws.defaultRegions).map((r) => r.name);
  const clock = options.clock ?? realClock;
  const service = createInventoryService({
    provider: deps,
    config,
    inventory,
    send: <T>(client: unknown, command: object) => sendWithRetry<T>(client, command, { sleep: options.sleep ?? ((ms) => clock.sleep(ms)) }),
    clock,
    ...(options.random ? { random: options.random } : {}),
    lanes: lambdaAccounts().flatMap((account) => regionsOf(account).map((region) => ({ account, region }))),
    ...(snapshot ? { snapshot } : {}),
  });
  const router = Router();
  const perFunction = createKeyedLock();

  function contextFor(account: AccountConfig, region: string, status: (line: string) => Promise<void>): OperationContext {
    return {
      account,
      region,
      config,
      lambda: deps.aws.client(LambdaClient, account, region),
      elb: () => deps.aws.client(ElasticLoadBalancingV2Client, account, region),
      s3: () => deps.aws.client(S3Client, account, region),
      send,
      sleep,
      now,
      status,
      refresh: async (name) => {
        try {
          await service.refreshNow(account, region, name);
        } catch (err) {
          deps.logger.warn({ err, function: name }, 'could not refresh the function after a write; the next inventory pass will');
        }
      },
      evict: (name) => inventory.evict(account.name, region, name),
      fetchArtifact,
    };
  }

  /**
   * Validates every entry and gives each its function name. clouddriver applies `prefixApplicationNameToFunction` in
   * CreateLambdaAtomicOperation only; every other operation uses the name it is given.
   */
  function nameEntries(entries: Entry[]) {
    const errors: FieldError[] = [];
    const named = entries.map((e) => {
      const name = e.op === 'createLambdaFunction' ? functionNameFor(e.d.appName, e.d.functionName, config.prefixApplicationNameToFunction) : e.d.functionName;
      errors.push(...validateDescription(e.op, e.d as never, name, e.at, { clouddriverArtifacts: Boolean(clouddriverUrl) }));
      return { ...e, name };
    });
    if (errors.length) throw new InputError('Validation Failed', { errors });
    return named;
  }

  const workFor = (named: ReturnType<typeof nameEntries>, accounts: AccountConfig[]) => async (tctx: TaskContext) => {
    const results: Record<string, unknown>[] = [];
    for (const [i, e] of named.entries()) {
      const account = accounts[i]!;
      const { phase, run } = lambdaOperationTable[e.op];
      if (!account.lambdaEnabled) throw new InvalidAccountException('AWS Lambda is not enabled for provided account.');
      const ctx = contextFor(account, e.d.region, (line) => tctx.updateStatus(phase, line));
      const work = run as (c: OperationContext, d: unknown, n: string) => Promise<Record<string, unknown>>;
      results.push(await perFunction(`${account.name}/${e.d.region}/${e.name}`, () => work(ctx, e.d, e.name)));
    }
    return results;
  };

  // Resume (`POST /task/{id}:resume`) runs the same entries again: every Lambda write converges when repeated (create
  // adopts the function it made and finishes its steps, updates set the same values, deletes of what is gone are
  // no-ops) — except an invoke, which would run the function a second time, so a list holding one is not resumable.
  const resumable = (ops: readonly string[]) => !ops.includes('invokeLambdaFunction');
  const resumer = (input: Record<string, unknown>) => {
    const named = nameEntries(input.entries as Entry[]);
    const accounts = named.map((e) => {
      const a = deps.config.aws.accounts.find((x) => x.name === e.d.credentials);
      if (!a) throw new InputError(`The account ${e.d.credentials} is no longer configured; this task cannot be resumed.`);
      return a;
    });
    return workFor(named, accounts);
  };
  for (const op of Object.keys(lambdaDescriptionSchemas)) if (resumable([op])) deps.tasks.resumable(op, resumer);
  // A list of operations runs as one task named `op1,op2,…`: recognized here from the start, so a process restarted
  // after a kill -9 reports such a task retryable and resumes it (it never saw the list submitted).
  deps.tasks.resumableMatching((operation) => {
    const ops = operation.split(',');
    return ops.length > 1 && ops.every((o) => Object.hasOwn(lambdaDescriptionSchemas, o)) && resumable(ops);
  }, resumer);

  /** Validates every entry, checks WRITE on its account, and runs them in one task (clouddriver's list semantics). */
  async function submit(entries: Entry[], input: { principal: () => Promise<Principal>; requestId: string; clientRequestId?: string | undefined }) {
    const named = nameEntries(entries);
    const principal = await input.principal();
    const accounts = named.map((e) => deps.authorizer.requireAccount(principal, e.d.credentials, 'WRITE', `${e.at}.credentials`));
    // An alias a progressive rollout owns is changed only by that rollout (or its controls).
    for (const [i, e] of named.entries()) {
      if (e.op !== 'upsertLambdaFunctionAlias' && e.op !== 'deleteLambdaFunctionAlias') continue;
      const aliasName = (e.d as { aliasName: string }).aliasName;
      const owner = await rollouts.ownerOf(accounts[i]!.name, e.d.region, [e.name, e.d.functionName], aliasName);
      if (owner)
        throw new ConflictError(
          `Alias ${aliasName} of ${owner.functionName} is being rolled out by ${owner.id} (${owner.state}, ${owner.weight}% on version ${owner.newVersion ?? '?'}); change it through POST /lambda/rollouts/${owner.id}/promote or /rollback, or wait for the rollout to end.`,
        );
    }
    const ops = named.map((e) => e.op);
    const operation = ops.join(',');
    const { task } = await deps.tasks.submit(
      {
        operation,
        account: accounts[0]!.name,
        user: principal.user,
        ...(resumable(ops) ? { input: { entries } } : {}),
        ...(input.clientRequestId ? { requestId: input.clientRequestId } : {}),
      },
      workFor(named, accounts),
    );
    return { id: task.id, resourceUri: `/task/${task.id}` };
  }

  // With the clouddriver passthrough on, what outrigger does not own goes, byte for byte, to clouddriver: a list that
  // holds any non-Lambda operation, and any Lambda operation or cache refresh for an account that is not one of
  // outrigger's Lambda accounts. The raw body is read once, decided on, and left on the request for the passthrough.
  if (clouddriverUrl) {
    const ownAccounts = new Set(lambdaAccounts().map((a) => a.name));
    const foreignAccount = (d: unknown, prefer: 'credentials' | 'account' = 'credentials') => {
      const name = describedAccount(d, prefer);
      return name !== undefined && !ownAccounts.has(name);
    };
    const peek = (isForeign: (body: unknown) => boolean) => forwardForeignRequests({ bodyLimit: deps.config.server.bodyLimit, isForeign });
    router.post(
      '/aws/ops',
      peek(
        (body) =>
          Array.isArray(body) &&
          body.some(
            (e) => e && typeof e === 'object' && Object.entries(e as Record<string, unknown>).some(([k, d]) => !(k in lambdaDescriptionSchemas) || foreignAccount(d)),
          ),
      ),
    );
    for (const op of Object.keys(lambdaDescriptionSchemas)) router.post(`/aws/ops/${op}`, peek((b) => foreignAccount(b)));
    router.post('/cache/aws/function', peek((b) => foreignAccount(b, 'account')));
  }

  for (const op of Object.keys(lambdaDescriptionSchemas) as LambdaOperationName[]) {
    deps.bind(router, op, async ({ body, query, principal, requestId }) =>
      submit([{ op, d: body as Entry['d'], at: '$.body' }], { principal, requestId, clientRequestId: query.clientRequestId }),
    );
  }

  deps.bind(router, 'submitAwsOperations', async ({ body, query, principal, requestId }) => {
    const entries: Entry[] = body.map((item, i) => {
      const op = Object.keys(item)[0] as LambdaOperationName;
      return { op, d: (item as Record<string, Entry['d']>)[op]!, at: `$.body[${i}].${op}` };
    });
    return submit(entries, { principal, requestId, clientRequestId: query.clientRequestId });
  });

  const rollouts = createRollouts(deps, router, { sleep, now, contextFor, ...(options.rolloutStore ? { store: options.rolloutStore } : {}) });

  const readable = (p: Principal) => new Set(deps.authorizer.readableAccounts(p).filter((a) => a.lambdaEnabled).map((a) => a.name));

  deps.bind(router, 'listFunctionRuntimes', () => listRuntimes(new Date(now())));

  // In front of clouddriver, a read naming another account is clouddriver's alone (the passthrough answers it).
  const ownLambdaAccounts = new Set(lambdaAccounts().map((a) => a.name));
  if (clouddriverUrl) {
    router.get('/functions', (req, _res, next) => {
      const account = typeof req.query.account === 'string' ? req.query.account : undefined;
      next(account && !ownLambdaAccounts.has(account) ? 'router' : undefined);
    });
  }
  deps.bind(router, 'listFunctions', async ({ query, principal, req }) => {
    const own = inventory.list({
      accounts: readable(await principal()),
      ...(query.account ? { account: query.account } : {}),
      ...(query.region ? { region: query.region } : {}),
      ...(query.functionName ? { functionName: query.functionName } : {}),
    });
    if (!clouddriverUrl || query.account) return own;
    return [...own, ...(await clouddriverFunctions(clouddriverUrl, req, ownLambdaAccounts, deps.logger))] as typeof own;
  });

  // The Functions tab polls this; the JSON of an application is kept until the inventory changes.
  const appJson = new Map<string, { version: number; body: string }>();
  deps.bind(router, 'listApplicationFunctions', async ({ params, principal, res, req }) => {
    const accounts = readable(await principal());
    const key = `${params.application.toLowerCase()}\u0000${[...accounts].sort().join(',')}`;
    let hit = appJson.get(key);
    if (!hit || hit.version !== inventory.version) {
      hit = { version: inventory.version, body: JSON.stringify(inventory.forApplication(params.application, accounts)) };
      if (appJson.size > 1000) appJson.clear();
      appJson.set(key, hit);
    }
    if (clouddriverUrl) {
      // Functions of clouddriver's accounts join outrigger's (Deck's Functions tab reads this through Gate).
      const others = await clouddriverFunctions(clouddriverUrl, req, ownLambdaAccounts, deps.logger);
      if (others.length) {
        const body = hit.body === '[]' ? JSON.stringify(others) : `${hit.body.slice(0, -1)},${JSON.stringify(others).slice(1)}`;
        res.status(200).type('application/json').send(body);
        return undefined;
      }
    }
    res.status(200).type('application/json').send(hit.body);
    return undefined;
  });

  deps.bind(router, 'refreshFunctionCache', async ({ body, principal, res }) => {
    const name = body.account ?? body.credentials;
    const account = deps.authorizer.requireAccount(await principal(), name ?? undefined, 'READ', body.account ? '$.body.account' : '$.body.credentials');
    if (!account.lambdaEnabled)
      throw new InputError('AWS Lambda is not enabled for provided account.', { errors: [{ field: '$.body.credentials', message: 'lambdaEnabled is false' }] });
    const functionName = functionNameFor(body.appName, body.functionName, config.prefixApplicationNameToFunction);
    let fn: Awaited<ReturnType<typeof inventory.refreshFunction>>;
    try {
      fn = await service.refreshNow(account, body.region, functionName);
      if (!fn && functionName !== body.functionName) fn = await service.refreshNow(account, body.region, body.functionName);
    } catch (err) {
      throw mapAwsError(err, 'lambda');
    }
    const id = `aws:lambdaFunctions:${account.name}:${body.region}:${fn?.functionName ?? functionName}`;
    res.status(fn ? 202 : 200).json({ cachedIdentifiersByType: fn ? { onDemand: [id] } : {}, ...(fn ? { function: fn } : {}) });
    return undefined;
  });

  // Orca's cache refresh task polls this after a 202 until `processedCount > 0 && cacheTime > start`. outrigger's
  // refresh is synchronous, so the entry is final as soon as the POST answered.
  deps.bind(router, 'getFunctionCacheStatus', async ({ query, principal }) => {
    const m = /^aws:lambdaFunctions:([^:]+):([^:]+):(.+)$/.exec(query.id);
    if (!m) return [];
    const [, account, region, name] = m as unknown as [string, string, string, string];
    if (!readable(await principal()).has(account)) return [];
    const at = inventory.cachedAt(account, region, name);
    if (at === undefined) return [];
    return [{ id: query.id, details: { account, region, functionName: name }, cacheTime: at, processedCount: 1, processedTime: at }];
  });

  return {
    name: 'lambda',
    router,
    inventory,
    inventoryService: service,
    // The inventory never takes the server DOWN (reads keep serving the last good data). Each region shows its mode
    // (feed or polling, and why), its change feed's status, its last listing and how stale its oldest entry is.
    health: async () => ({
      status: 'UP',
      details: { functions: inventory.size, accounts: lambdaAccounts().map((a) => a.name), inventory: service.health() },
    }),
    async start() {
      await rollouts.start();
      await service.start();
    },
    async stop() {
      rollouts.stop();
      await service.stop();
    },
  };
}
