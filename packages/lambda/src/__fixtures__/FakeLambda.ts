import { createHash, randomUUID } from 'node:crypto';
import {
  InvalidParameterValueException,
  ProvisionedConcurrencyConfigNotFoundException,
  ResourceConflictException,
  ResourceNotFoundException,
  TooManyRequestsException,
  type AliasConfiguration,
  type EventSourceMappingConfiguration,
  type FunctionConfiguration,
} from '@aws-sdk/client-lambda';
import { TargetGroupNotFoundException, type TargetGroup } from '@aws-sdk/client-elastic-load-balancing-v2';

/** Small deterministic PRNG so throttling is reproducible. */
function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Statement {
  Sid: string;
  Effect: 'Allow';
  Principal: { Service: string };
  Action: string;
  Condition?: { ArnLike: { 'AWS:SourceArn': string } };
}

interface FakeFunction {
  config: FunctionConfiguration;
  code: { S3Bucket?: string; S3Key?: string; S3ObjectVersion?: string; ImageUri?: string; ZipFile?: Uint8Array };
  tags: Record<string, string>;
  versions: FunctionConfiguration[];
  aliases: Map<string, AliasConfiguration>;
  policy: Statement[];
  reserved?: number;
  provisioned: Map<string, { requested: number; reads: number }>;
  url?: Record<string, unknown>;
  eventInvoke?: Record<string, unknown>;
  /** Reads left until a pending create or an in-progress update finishes. */
  settleReads: number;
  /** The latest published version and the code and configuration of `$LATEST` it was published from. */
  published?: { version: string; from: string };
}

const meta = { $metadata: {} };

/**
 * What PublishVersion compares with the last version: the code (CodeSha256) and the configuration; not the revision,
 * the state or LastModified (an update that set the same code and configuration changed nothing to publish).
 */
function publishedShape(c: FunctionConfiguration): string {
  const { RevisionId: _r, State: _s, StateReason: _sr, StateReasonCode: _sc, LastUpdateStatus: _u, LastUpdateStatusReason: _ur, LastUpdateStatusReasonCode: _uc, Version: _v, LastModified: _m, ...rest } = c;
  return JSON.stringify(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Lambda's CodeSha256 is the SHA-256 of the deployment package, so the same package gives the same value. The fake has
 * no package bytes for S3 and image code: it hashes what names the package (bucket, key and object version; the
 * image URI) and the bytes of a zip file.
 */
function codeSha256(code: { S3Bucket?: string; S3Key?: string; S3ObjectVersion?: string; ImageUri?: string; ZipFile?: Uint8Array }): string {
  const h = createHash('sha256');
  if (code.ZipFile) h.update(code.ZipFile);
  else h.update(JSON.stringify([code.S3Bucket ?? null, code.S3Key ?? null, code.S3ObjectVersion ?? null, code.ImageUri ?? null]));
  return h.digest('base64');
}
/** AWS answers a VpcConfig with the VpcId of its subnets (empty when the function is detached). */
const withVpcId = (v: unknown) => {
  const c = v as { SubnetIds?: string[]; SecurityGroupIds?: string[] };
  return { SubnetIds: c.SubnetIds ?? [], SecurityGroupIds: c.SecurityGroupIds ?? [], VpcId: c.SubnetIds?.length ? 'vpc-0fake0000000000001' : '' };
};
const notFound = (what: string) => new ResourceNotFoundException({ message: `Function not found: ${what}`, ...meta } as never);

/**
 * A stateful Lambda at the SDK boundary: functions go Pending → Active and updates InProgress → Successful after a few
 * reads; a change while one is pending raises the real ResourceConflictException; a share of calls (`throttleRate`)
 * raise TooManyRequestsException. `calls` counts every command by name.
 */
export class FakeLambda {
  readonly functions = new Map<string, FakeFunction>();
  readonly mappings = new Map<string, EventSourceMappingConfiguration>();
  readonly calls = new Map<string, number>();
  /** Every command in order, with the function (or resource) it named. */
  readonly log: { command: string; target?: string }[] = [];
  throttled = 0;
  throttleRate: number;
  /** Reads a create or update takes to settle. */
  settleAfter = 2;
  /** Invoke never answers (until the caller aborts). */
  invokeHangs = false;
  /** Makes a command fail: return an error to throw it. */
  failWith?: (command: string, input: Record<string, unknown>) => Error | undefined;
  /**
   * Runs a function's code on Invoke (hook functions, health checks): return the response payload and FunctionError,
   * or undefined for the default echo. An `Event` invoke awaits it before answering 202.
   */
  onInvoke?: (call: { functionName: string; qualifier?: string; payload: string; invocationType: string }) => Promise<{ payload?: string; functionError?: string } | void>;
  /** Every alias change, in order: what the alias served after it (weights are AWS's 0..1). */
  readonly aliasLog: { functionName: string; alias: string; version: string; weights: Record<string, number>; at: number }[] = [];
  /** The time recorded in `aliasLog` (tests pass their virtual clock). */
  now: () => number = Date.now;
  private readonly random: () => number;
  private clock = Date.parse('2026-01-01T00:00:00Z');

  constructor(options: { throttleRate?: number; seed?: number; accountId?: string; region?: string } = {}) {
    this.throttleRate = options.throttleRate ?? 0;
    this.random = mulberry32(options.seed ?? 42);
    this.accountId = options.accountId ?? '123456789012';
    this.region = options.region ?? 'us-east-1';
  }
  readonly accountId: string;
  readonly region: string;

  get totalCalls(): number {
    let n = 0;
    for (const v of this.calls.values()) n += v;
    return n;
  }

  resetCalls(): void {
    this.calls.clear();
    this.log.length = 0;
    this.throttled = 0;
  }

  arn(name: string): string {
    return `arn:aws:lambda:${this.region}:${this.accountId}:function:${name}`;
  }

  /** Adds a ready function directly (bench and read tests). */
  seed(name: string, extra: Partial<FunctionConfiguration> = {}, tags: Record<string, string> = {}): void {
    const config: FunctionConfiguration = {
      FunctionName: name,
      FunctionArn: this.arn(name),
      Runtime: 'nodejs22.x',
      Role: `arn:aws:iam::${this.accountId}:role/lambda`,
      Handler: 'index.handler',
      MemorySize: 128,
      Timeout: 3,
      Version: '$LATEST',
      State: 'Active',
      LastUpdateStatus: 'Successful',
      PackageType: 'Zip',
      RevisionId: randomUUID(),
      LastModified: this.tick(),
      CodeSize: 1024,
      ...extra,
    };
    this.functions.set(name, { config, code: {}, tags, versions: [], aliases: new Map(), policy: [], provisioned: new Map(), settleReads: 0 });
  }

  /** Simulates an out-of-band change (a console deploy of other code): new CodeSha256, RevisionId and LastModified. */
  touch(name: string): void {
    const f = this.functions.get(name)!;
    // Someone deployed other code outside outrigger: a new package (CodeSha256), revision and modification time.
    f.config = { ...f.config, CodeSha256: codeSha256({ S3Key: randomUUID() }), RevisionId: randomUUID(), LastModified: this.tick() };
  }

  private tick(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString().replace('Z', '+0000');
  }

  private fn(nameOrArn: unknown): FakeFunction {
    const name = this.nameOf(nameOrArn);
    const f = this.functions.get(name);
    if (!f) throw notFound(this.arn(name));
    return f;
  }

  private nameOf(nameOrArn: unknown): string {
    const s = String(nameOrArn);
    const m = /:function:([^:]+)/.exec(s);
    return m ? m[1]! : s.split(':')[0]!;
  }

  private read(f: FakeFunction): FunctionConfiguration {
    if (f.settleReads > 0) {
      f.settleReads--;
      if (f.settleReads === 0) f.config = { ...f.config, State: 'Active', LastUpdateStatus: 'Successful' };
    }
    return { ...f.config };
  }

  private changing(f: FakeFunction): void {
    if (f.settleReads > 0 || f.config.LastUpdateStatus === 'InProgress' || f.config.State === 'Pending') {
      throw new ResourceConflictException({
        message: `The operation cannot be performed at this time. An update is in progress for resource: ${f.config.FunctionArn}`,
        ...meta,
      } as never);
    }
  }

  private update(f: FakeFunction, patch: Partial<FunctionConfiguration>): void {
    f.config = { ...f.config, ...patch, RevisionId: randomUUID(), LastModified: this.tick(), LastUpdateStatus: 'InProgress' };
    f.settleReads = this.settleAfter;
  }

  async send(command: { input: Record<string, unknown>; constructor: { name: string } }, options?: { abortSignal?: AbortSignal }): Promise<unknown> {
    const name = command.constructor.name.replace(/Command$/, '');
    this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
    const target = command.input.FunctionName ?? command.input.Resource;
    this.log.push({ command: name, ...(target !== undefined ? { target: this.nameOf(target) } : {}) });
    if (name === 'Invoke' && this.invokeHangs) {
      return new Promise((_, reject) => options?.abortSignal?.addEventListener('abort', () => reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' }))));
    }
    if (this.throttleRate > 0 && this.random() < this.throttleRate) {
      this.throttled++;
      throw new TooManyRequestsException({ message: 'Rate exceeded', Reason: 'CallerRateLimitExceeded', ...meta } as never);
    }
    const i = command.input;
    const injected = this.failWith?.(name, i);
    if (injected) throw injected;
    switch (name) {
      case 'ListFunctions': {
        // FunctionVersion=ALL lists every published version after each function's $LATEST (Lambda's documented order).
        const all = [...this.functions.values()]
          .sort((a, b) => a.config.FunctionName!.localeCompare(b.config.FunctionName!))
          .flatMap((f) => (i.FunctionVersion === 'ALL' ? [f.config, ...f.versions] : [f.config]));
        const start = Number(i.Marker ?? 0);
        const max = Math.min(50, Number(i.MaxItems ?? 50));
        const page = all.slice(start, start + max).map((c) => ({ ...c }));
        return { Functions: page, ...(start + max < all.length ? { NextMarker: String(start + max) } : {}) };
      }
      case 'GetFunction': {
        const f = this.fn(i.FunctionName);
        const q = i.Qualifier as string | undefined;
        if (q && q !== '$LATEST' && !f.versions.some((v) => v.Version === q) && !f.aliases.has(q)) throw notFound(`${f.config.FunctionArn}:${q}`);
        return {
          Configuration: this.read(f),
          Code: f.code.ImageUri ? { RepositoryType: 'ECR', ImageUri: f.code.ImageUri } : { RepositoryType: 'S3', Location: 'https://example.invalid/code' },
          Tags: { ...f.tags },
          ...(f.reserved !== undefined ? { Concurrency: { ReservedConcurrentExecutions: f.reserved } } : {}),
        };
      }
      case 'GetFunctionConfiguration': {
        const f = this.fn(i.FunctionName);
        const q = i.Qualifier as string | undefined;
        if (!q || q === '$LATEST') return this.read(f);
        const v = f.versions.find((x) => x.Version === (f.aliases.get(q)?.FunctionVersion ?? q));
        if (!v) throw notFound(`${f.config.FunctionArn}:${q}`);
        return { ...v };
      }
      case 'GetAccountSettings': {
        // AccountUsage counts the code of $LATEST and of every published version (what Lambda's storage quota counts).
        let total = 0;
        for (const f of this.functions.values()) for (const c of [f.config, ...f.versions]) total += c.CodeSize ?? 0;
        return {
          AccountLimit: { TotalCodeSize: 80_530_636_800, CodeSizeUnzipped: 262_144_000, CodeSizeZipped: 52_428_800, ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 1000 },
          AccountUsage: { TotalCodeSize: total, FunctionCount: this.functions.size },
        };
      }
      case 'CreateFunction': {
        const fname = String(i.FunctionName);
        if (this.functions.has(fname))
          throw new ResourceConflictException({ message: `Function already exist: ${fname}`, Type: 'User', ...meta } as never);
        const code = (i.Code ?? {}) as FakeFunction['code'];
        if (!code.S3Bucket && !code.ImageUri && !code.ZipFile)
          throw new InvalidParameterValueException({ message: 'Code is required', ...meta } as never);
        const { Code: _c, Tags, Publish, ...rest } = i as Record<string, unknown>;
        void _c;
        const config: FunctionConfiguration = {
          ...(rest as FunctionConfiguration),
          ...(rest.Environment ? { Environment: { Variables: (rest.Environment as { Variables: Record<string, string> }).Variables } } : {}),
          ...(rest.Layers ? { Layers: (rest.Layers as string[]).map((Arn) => ({ Arn })) } : {}),
          ...(rest.VpcConfig ? { VpcConfig: withVpcId(rest.VpcConfig) } : {}),
          FunctionArn: this.arn(fname),
          Version: '$LATEST',
          State: 'Pending',
          LastUpdateStatus: 'InProgress',
          RevisionId: randomUUID(),
          LastModified: this.tick(),
          CodeSha256: codeSha256(code),
          CodeSize: code.ZipFile?.length ?? 1024,
        };
        const f: FakeFunction = { config, code, tags: { ...((Tags as Record<string, string>) ?? {}) }, versions: [], aliases: new Map(), policy: [], provisioned: new Map(), settleReads: this.settleAfter };
        this.functions.set(fname, f);
        let version = '$LATEST';
        if (Publish) version = this.publish(f).Version!;
        return { ...config, Version: version };
      }
      case 'UpdateFunctionConfiguration': {
        const f = this.fn(i.FunctionName);
        this.changing(f);
        const { FunctionName: _n, Environment, Layers, ...rest } = i as Record<string, unknown>;
        void _n;
        this.update(f, {
          ...(rest as FunctionConfiguration),
          ...(Environment ? { Environment: { Variables: (Environment as { Variables: Record<string, string> }).Variables } } : {}),
          ...(Layers ? { Layers: (Layers as string[]).map((Arn) => ({ Arn })) } : {}),
          ...(rest.VpcConfig ? { VpcConfig: withVpcId(rest.VpcConfig) } : {}),
        });
        return { ...f.config };
      }
      case 'UpdateFunctionCode': {
        const f = this.fn(i.FunctionName);
        this.changing(f);
        f.code = {
          ...(i.S3Bucket ? { S3Bucket: i.S3Bucket as string, S3Key: i.S3Key as string, ...(i.S3ObjectVersion ? { S3ObjectVersion: i.S3ObjectVersion as string } : {}) } : {}),
          ...(i.ImageUri ? { ImageUri: i.ImageUri as string } : {}),
          ...(i.ZipFile ? { ZipFile: i.ZipFile as Uint8Array } : {}),
        };
        this.update(f, { CodeSha256: codeSha256(f.code), CodeSize: f.code.ZipFile?.length ?? 1024 });
        let version = '$LATEST';
        if (i.Publish) version = this.publish(f).Version!;
        return { ...f.config, Version: version };
      }
      case 'DeleteFunction': {
        const f = this.fn(i.FunctionName);
        const q = i.Qualifier as string | undefined;
        if (q) {
          if (!f.versions.some((v) => v.Version === q)) throw notFound(`${f.config.FunctionArn}:${q}`);
          f.versions = f.versions.filter((v) => v.Version !== q);
        } else this.functions.delete(f.config.FunctionName!);
        return {};
      }
      case 'TagResource': {
        const f = this.fn(i.Resource);
        Object.assign(f.tags, i.Tags);
        return {};
      }
      case 'UntagResource': {
        const f = this.fn(i.Resource);
        for (const k of i.TagKeys as string[]) delete f.tags[k];
        return {};
      }
      case 'ListTags':
        return { Tags: { ...this.fn(i.Resource).tags } };
      case 'PublishVersion': {
        const f = this.fn(i.FunctionName);
        this.changing(f);
        if (i.RevisionId && i.RevisionId !== f.config.RevisionId)
          throw new InvalidParameterValueException({ message: 'The Revision Id provided does not match the latest Revision Id.', ...meta } as never);
        return this.publish(f, i.Description as string | undefined);
      }
      case 'ListVersionsByFunction': {
        const f = this.fn(i.FunctionName);
        return { Versions: [{ ...f.config }, ...f.versions] };
      }
      case 'GetAlias': {
        const f = this.fn(i.FunctionName);
        const a = f.aliases.get(String(i.Name));
        if (!a) throw new ResourceNotFoundException({ message: `Alias not found: ${f.config.FunctionArn}:${i.Name}`, ...meta } as never);
        return { ...a };
      }
      case 'CreateAlias':
      case 'UpdateAlias': {
        const f = this.fn(i.FunctionName);
        const aliasName = String(i.Name);
        if (name === 'CreateAlias' && f.aliases.has(aliasName)) throw new ResourceConflictException({ message: `Alias already exists: ${aliasName}`, ...meta } as never);
        if (name === 'UpdateAlias' && !f.aliases.has(aliasName)) throw new ResourceNotFoundException({ message: `Alias not found: ${aliasName}`, ...meta } as never);
        const v = String(i.FunctionVersion);
        if (v !== '$LATEST' && !f.versions.some((x) => x.Version === v)) throw new ResourceNotFoundException({ message: `Function not found: ${f.config.FunctionArn}:${v}`, ...meta } as never);
        const a: AliasConfiguration = {
          AliasArn: `${f.config.FunctionArn}:${aliasName}`,
          Name: aliasName,
          FunctionVersion: v,
          Description: (i.Description as string) ?? f.aliases.get(aliasName)?.Description ?? '',
          RoutingConfig: i.RoutingConfig as AliasConfiguration['RoutingConfig'],
          RevisionId: randomUUID(),
        };
        f.aliases.set(aliasName, a);
        this.aliasLog.push({ functionName: f.config.FunctionName!, alias: aliasName, version: v, weights: { ...(a.RoutingConfig?.AdditionalVersionWeights ?? {}) }, at: this.now() });
        return { ...a };
      }
      case 'DeleteAlias': {
        const f = this.fn(i.FunctionName);
        f.aliases.delete(String(i.Name));
        return {};
      }
      case 'ListAliases':
        return { Aliases: [...this.fn(i.FunctionName).aliases.values()] };
      case 'ListEventSourceMappings': {
        const target = i.FunctionName ? String(i.FunctionName) : undefined;
        const list = [...this.mappings.values()].filter(
          (m) => (!target || m.FunctionArn === (target.startsWith('arn:') ? target : this.arn(target))) && (!i.EventSourceArn || m.EventSourceArn === i.EventSourceArn),
        );
        return { EventSourceMappings: list };
      }
      case 'CreateEventSourceMapping': {
        const target = String(i.FunctionName);
        this.fn(target);
        const m: EventSourceMappingConfiguration = {
          UUID: randomUUID(),
          EventSourceArn: String(i.EventSourceArn),
          FunctionArn: target.startsWith('arn:') ? target : this.arn(target),
          BatchSize: i.BatchSize as number,
          State: i.Enabled ? 'Enabled' : 'Disabled',
          ...(i.StartingPosition ? { StartingPosition: i.StartingPosition as never } : {}),
        };
        this.mappings.set(m.UUID!, m);
        return { ...m };
      }
      case 'UpdateEventSourceMapping': {
        const m = this.mappings.get(String(i.UUID));
        if (!m) throw new ResourceNotFoundException({ message: `mapping ${i.UUID} not found`, ...meta } as never);
        if (i.BatchSize !== undefined) m.BatchSize = i.BatchSize as number;
        if (i.Enabled !== undefined) m.State = i.Enabled ? 'Enabled' : 'Disabled';
        if (i.MaximumBatchingWindowInSeconds !== undefined) m.MaximumBatchingWindowInSeconds = i.MaximumBatchingWindowInSeconds as number;
        return { ...m };
      }
      case 'DeleteEventSourceMapping': {
        if (!this.mappings.delete(String(i.UUID))) throw new ResourceNotFoundException({ message: `mapping ${i.UUID} not found`, ...meta } as never);
        return {};
      }
      case 'PutFunctionConcurrency':
        this.fn(i.FunctionName).reserved = i.ReservedConcurrentExecutions as number;
        return { ReservedConcurrentExecutions: i.ReservedConcurrentExecutions };
      case 'DeleteFunctionConcurrency':
        delete this.fn(i.FunctionName).reserved;
        return {};
      case 'PutProvisionedConcurrencyConfig': {
        const f = this.fn(i.FunctionName);
        f.provisioned.set(String(i.Qualifier), { requested: i.ProvisionedConcurrentExecutions as number, reads: 1 });
        return { Status: 'IN_PROGRESS', RequestedProvisionedConcurrentExecutions: i.ProvisionedConcurrentExecutions };
      }
      case 'GetProvisionedConcurrencyConfig': {
        const p = this.fn(i.FunctionName).provisioned.get(String(i.Qualifier));
        if (!p) throw new ProvisionedConcurrencyConfigNotFoundException({ message: 'No Provisioned Concurrency Config found for this function', ...meta } as never);
        const status = p.reads-- > 0 ? 'IN_PROGRESS' : 'READY';
        return { Status: status, RequestedProvisionedConcurrentExecutions: p.requested };
      }
      case 'DeleteProvisionedConcurrencyConfig':
        this.fn(i.FunctionName).provisioned.delete(String(i.Qualifier));
        return {};
      case 'AddPermission': {
        const f = this.fn(i.FunctionName);
        if (f.policy.some((s) => s.Sid === i.StatementId))
          throw new ResourceConflictException({ message: `The statement id (${i.StatementId}) provided already exists.`, ...meta } as never);
        const st: Statement = {
          Sid: String(i.StatementId),
          Effect: 'Allow',
          Principal: { Service: String(i.Principal) },
          Action: String(i.Action),
          ...(i.SourceArn ? { Condition: { ArnLike: { 'AWS:SourceArn': String(i.SourceArn) } } } : {}),
        };
        f.policy.push(st);
        return { Statement: JSON.stringify(st) };
      }
      case 'RemovePermission': {
        const f = this.fn(i.FunctionName);
        const before = f.policy.length;
        f.policy = f.policy.filter((s) => s.Sid !== i.StatementId);
        if (f.policy.length === before) throw new ResourceNotFoundException({ message: 'Statement not found', ...meta } as never);
        return {};
      }
      case 'GetPolicy': {
        const f = this.fn(i.FunctionName);
        if (!f.policy.length) throw new ResourceNotFoundException({ message: 'The resource you requested does not exist.', ...meta } as never);
        return { Policy: JSON.stringify({ Version: '2012-10-17', Statement: f.policy }) };
      }
      case 'GetFunctionUrlConfig': {
        const f = this.fn(i.FunctionName);
        if (!f.url) throw new ResourceNotFoundException({ message: 'The resource you requested does not exist.', ...meta } as never);
        return { ...f.url };
      }
      // Create needs AuthType and fails when a URL exists; Update changes only the fields it names (AWS semantics).
      case 'CreateFunctionUrlConfig': {
        const f = this.fn(i.FunctionName);
        if (f.url) throw new ResourceConflictException({ message: 'Failed to create function url config for [functionArn = …]. Error message:  FunctionUrlConfig exists for this Lambda function', Type: 'User', ...meta } as never);
        if (!i.AuthType) throw new InvalidParameterValueException({ message: 'AuthType is required', ...meta } as never);
        f.url = { ...i, FunctionUrl: `https://${f.config.FunctionName}.lambda-url.${this.region}.on.aws/` };
        return { ...f.url };
      }
      case 'UpdateFunctionUrlConfig': {
        const f = this.fn(i.FunctionName);
        if (!f.url) throw new ResourceNotFoundException({ message: 'The resource you requested does not exist.', ...meta } as never);
        const named = Object.fromEntries(Object.entries(i).filter(([, v]) => v !== undefined));
        f.url = { ...f.url, ...named };
        return { ...f.url };
      }
      case 'DeleteFunctionUrlConfig':
        delete this.fn(i.FunctionName).url;
        return {};
      // Put replaces the whole object (what it does not name is cleared); Update changes only what it names.
      case 'PutFunctionEventInvokeConfig': {
        const f = this.fn(i.FunctionName);
        f.eventInvoke = { ...i };
        return { ...i };
      }
      case 'UpdateFunctionEventInvokeConfig': {
        const f = this.fn(i.FunctionName);
        if (!f.eventInvoke) throw new ResourceNotFoundException({ message: `The function ${String(i.FunctionName)} doesn't have an EventInvokeConfig`, ...meta } as never);
        const named = Object.fromEntries(Object.entries(i).filter(([, v]) => v !== undefined));
        f.eventInvoke = { ...f.eventInvoke, ...named };
        return { ...f.eventInvoke };
      }
      case 'GetFunctionEventInvokeConfig': {
        const f = this.fn(i.FunctionName);
        if (!f.eventInvoke) throw new ResourceNotFoundException({ message: `The function ${String(i.FunctionName)} doesn't have an EventInvokeConfig`, ...meta } as never);
        return { ...f.eventInvoke };
      }
      case 'Invoke': {
        const f = this.fn(i.FunctionName);
        const payload = i.Payload ? Buffer.from(i.Payload as Uint8Array).toString('utf8') : '';
        const q = i.Qualifier as string | undefined;
        if (q && q !== '$LATEST' && !f.versions.some((v) => v.Version === q) && !f.aliases.has(q)) throw notFound(`${f.config.FunctionArn}:${q}`);
        const custom = await this.onInvoke?.({ functionName: f.config.FunctionName!, ...(q ? { qualifier: q } : {}), payload, invocationType: String(i.InvocationType ?? 'RequestResponse') });
        if (i.InvocationType === 'Event') return { StatusCode: 202 };
        if (custom)
          return {
            StatusCode: 200,
            ...(custom.functionError ? { FunctionError: custom.functionError } : {}),
            ExecutedVersion: q ?? '$LATEST',
            Payload: new TextEncoder().encode(custom.payload ?? 'null'),
          };
        const failed = payload.includes('"fail"');
        const body = failed ? JSON.stringify({ errorMessage: 'boom', errorType: 'Error' }) : JSON.stringify({ statusCode: 200, body: payload });
        return {
          StatusCode: 200,
          ...(failed ? { FunctionError: 'Unhandled' } : {}),
          ExecutedVersion: (i.Qualifier as string) ?? '$LATEST',
          LogResult: Buffer.from(`START RequestId: 1\nhello from ${f.config.FunctionName}\nEND RequestId: 1\n`).toString('base64'),
          Payload: new TextEncoder().encode(body),
        };
      }
      default:
        throw new Error(`FakeLambda does not implement ${name}`);
    }
  }

  /**
   * Lambda's PublishVersion: "Lambda doesn't publish a version if the function's configuration and code haven't changed
   * since the last version" (API reference, PublishVersion); it answers with that version instead. Compared: the code
   * (CodeSha256), every configuration field and LastModified (any update since), not the revision or the state.
   */
  private publish(f: FakeFunction, description?: string): FunctionConfiguration {
    const from = publishedShape(f.config);
    const last = f.published && f.versions.find((v) => v.Version === f.published!.version);
    if (last && f.published!.from === from) return { ...last };
    const next = String(f.versions.reduce((n, v) => Math.max(n, Number(v.Version)), 0) + 1);
    const v: FunctionConfiguration = {
      ...f.config,
      Version: next,
      FunctionArn: `${f.config.FunctionArn}:${next}`,
      RevisionId: randomUUID(),
      ...(description ? { Description: description } : {}),
    };
    f.versions.push(v);
    f.published = { version: next, from };
    return { ...v };
  }
}

/** A stateful ELBv2 with target groups by name and ARN and their registered targets. */
export class FakeElbv2 {
  readonly targetGroups: TargetGroup[] = [];
  readonly targets = new Map<string, Set<string>>();
  readonly calls = new Map<string, number>();
  throttleRate: number;
  private readonly random: () => number;

  constructor(options: { throttleRate?: number; seed?: number; names?: string[] } = {}) {
    this.throttleRate = options.throttleRate ?? 0;
    this.random = mulberry32(options.seed ?? 7);
    for (const [n, name] of (options.names ?? []).entries()) {
      this.targetGroups.push({
        TargetGroupName: name,
        TargetGroupArn: `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/${name}/${(1000 + n).toString(16)}abcdef`,
        TargetType: 'lambda',
      });
    }
  }

  async send(command: { input: Record<string, unknown>; constructor: { name: string } }): Promise<unknown> {
    const name = command.constructor.name.replace(/Command$/, '');
    this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
    if (this.throttleRate > 0 && this.random() < this.throttleRate) {
      const e = new Error('Rate exceeded');
      e.name = 'Throttling';
      throw e;
    }
    const i = command.input;
    switch (name) {
      case 'DescribeTargetGroups': {
        const names = (i.Names as string[] | undefined) ?? [];
        const arns = (i.TargetGroupArns as string[] | undefined) ?? [];
        const found = this.targetGroups.filter((t) => names.includes(t.TargetGroupName!) || arns.includes(t.TargetGroupArn!));
        const missing = [...names.filter((n) => !found.some((t) => t.TargetGroupName === n)), ...arns.filter((a) => !found.some((t) => t.TargetGroupArn === a))];
        if (missing.length) throw new TargetGroupNotFoundException({ message: `One or more target groups not found`, $metadata: {} } as never);
        return { TargetGroups: found };
      }
      case 'RegisterTargets': {
        const set = this.targets.get(String(i.TargetGroupArn)) ?? new Set();
        for (const t of i.Targets as { Id: string }[]) set.add(t.Id);
        this.targets.set(String(i.TargetGroupArn), set);
        return {};
      }
      case 'DeregisterTargets': {
        for (const t of i.Targets as { Id: string }[]) this.targets.get(String(i.TargetGroupArn))?.delete(t.Id);
        return {};
      }
      default:
        throw new Error(`FakeElbv2 does not implement ${name}`);
    }
  }
}
