import {
  GetFunctionCommand,
  GetPolicyCommand,
  LambdaClient,
  ListAliasesCommand,
  ListEventSourceMappingsCommand,
  ListFunctionsCommand,
  ListVersionsByFunctionCommand,
  type AliasConfiguration,
  type EventSourceMappingConfiguration,
  type FunctionConfiguration,
  type GetFunctionCommandOutput,
  type GetPolicyCommandOutput,
  type ListAliasesCommandOutput,
  type ListEventSourceMappingsCommandOutput,
  type ListFunctionsCommandOutput,
  type ListVersionsByFunctionCommandOutput,
} from '@aws-sdk/client-lambda';
import type { Logger } from 'pino';
import type { LambdaFunction } from '@outrigger/contract';
import type { AccountConfig, AwsClientFactory, SqliteDatabase } from '@outrigger/runtime';
import { targetGroupName, targetGroupsFromPolicy } from '../aws/targetGroups.js';
import { toCamel } from '../aws/toCamel.js';
import { monikerOf } from '../naming.js';
import { mapWithConcurrency } from './mapWithConcurrency.js';

interface Entry {
  fn: LambdaFunction;
  app?: string;
  revisionId?: string;
  lastModified?: string;
  hydratedAt: number;
}

export interface RefreshStats {
  listed: number;
  hydrated: number;
  failed: number;
  evicted: number;
}

/** Sends one SDK command (with the provider's retries; the scheduler's version also waits for the call budget). */
export type SendFn = <T>(client: unknown, command: object) => Promise<T>;

export interface FunctionInventoryDeps {
  aws: AwsClientFactory;
  logger: Logger;
  send: SendFn;
  concurrency: number;
  detailRefreshMs: number;
  now?: () => number;
  /** When given, entries are kept in table `lambda_functions` and reloaded at start, so a restart re-reads nothing. */
  database?: SqliteDatabase;
  /**
   * A snapshot shared by several replicas (PostgreSQL): every change is written through to it, and `replaceRegion`
   * loads what another replica (the region's poller) wrote.
   */
  snapshot?: { put(key: string, e: SnapshotEntry): void; del(key: string): void };
}

/** One function as the shared snapshot keeps it. */
export interface SnapshotEntry {
  fn: LambdaFunction;
  revisionId?: string | undefined;
  lastModified?: string | undefined;
  hydratedAt: number;
}

const key = (account: string, region: string, name: string) => `${account}\u0000${region}\u0000${name}`;

/**
 * The function inventory: per account and region, `ListFunctions` pages each interval; details (tags, versions,
 * aliases, event source mappings, policy → target groups) are fetched only for functions that are new or whose
 * `RevisionId`/`LastModified` changed (or whose details are older than `detailRefreshMs`), with bounded concurrency.
 * A function whose details fail keeps its previous entry; a region whose listing fails keeps all of its entries.
 */
export class FunctionInventory {
  private readonly entries = new Map<string, Entry>();
  private readonly byApp = new Map<string, Set<string>>();
  private readonly byRegion = new Map<string, Set<string>>();
  /** Per function, the summed CodeSize of its published versions as last seen (a read or an ALL listing); in memory. */
  private readonly publishedSizes = new Map<string, number>();
  private readonly now: () => number;

  private readonly db?: { put: (k: string, e: Entry) => void; del: (k: string) => void };

  constructor(private readonly deps: FunctionInventoryDeps) {
    this.now = deps.now ?? Date.now;
    const database = deps.database;
    if (deps.snapshot) this.db = deps.snapshot;
    else if (database) {
      database.exec(
        'CREATE TABLE IF NOT EXISTS lambda_functions (key TEXT PRIMARY KEY, revision_id TEXT, last_modified TEXT, hydrated_at INTEGER NOT NULL, body TEXT NOT NULL)',
      );
      const put = database.prepare('INSERT OR REPLACE INTO lambda_functions (key, revision_id, last_modified, hydrated_at, body) VALUES (?, ?, ?, ?, ?)');
      const del = database.prepare('DELETE FROM lambda_functions WHERE key = ?');
      const rows = database.prepare('SELECT key, revision_id, last_modified, hydrated_at, body FROM lambda_functions').all() as {
        key: string;
        revision_id: string | null;
        last_modified: string | null;
        hydrated_at: number;
        body: string;
      }[];
      // Keys are stored JSON-encoded: they hold NUL separators, which Node 22's node:sqlite cuts strings at.
      for (const r of rows) {
        try {
          this.index(JSON.parse(r.key) as string, JSON.parse(r.body) as LambdaFunction, { revisionId: r.revision_id ?? undefined, lastModified: r.last_modified ?? undefined }, r.hydrated_at);
        } catch {
          del.run(r.key);
        }
      }
      this.db = {
        put: (k, e) => put.run(JSON.stringify(k), e.revisionId ?? null, e.lastModified ?? null, e.hydratedAt, JSON.stringify(e.fn)),
        del: (k) => del.run(JSON.stringify(k)),
      };
    }
  }

  /**
   * Makes one account/region's entries exactly `entries` (what the region's poller wrote to the shared snapshot),
   * without writing them back. Unchanged entries are left alone, so cached derivations stay valid.
   */
  replaceRegion(account: string, region: string, entries: readonly SnapshotEntry[]): void {
    const seen = new Set<string>();
    for (const e of entries) {
      const k = key(account, region, e.fn.functionName as string);
      seen.add(k);
      const have = this.entries.get(k);
      if (have && have.hydratedAt === e.hydratedAt && have.revisionId === e.revisionId && have.lastModified === e.lastModified) continue;
      this.index(k, e.fn, { revisionId: e.revisionId, lastModified: e.lastModified }, e.hydratedAt);
    }
    for (const k of [...(this.byRegion.get(`${account}\u0000${region}`) ?? [])]) if (!seen.has(k)) this.unindex(k);
  }

  /** Grows with every change, so callers can cache what they derive from the inventory. */
  get version(): number {
    return this.changes;
  }
  private changes = 0;

  get size(): number {
    return this.entries.size;
  }

  /** Lists one account/region and hydrates what changed (one whole pass, no pacing: tests and on-demand use). */
  async refreshRegion(account: AccountConfig, region: string): Promise<RefreshStats> {
    const client = this.deps.aws.client(LambdaClient, account, region);
    const listed = await this.listFunctions(client, this.deps.send);
    const { stale, evicted } = this.compareListing(account.name, region, listed);
    const results = await mapWithConcurrency(stale, this.deps.concurrency, (name) => this.hydrate(client, account, region, name));
    let failed = 0;
    results.forEach((r, i) => {
      if (r.status === 'rejected') {
        failed++;
        this.deps.logger.warn({ err: r.reason, function: stale[i], account: account.name, region }, 'could not read Lambda function details; keeping the previous entry');
      }
    });
    return { listed: listed.length, hydrated: stale.length - failed, failed, evicted };
  }

  /**
   * Pages through `ListFunctions` (`$LATEST` only, or every published version with `allVersions`). Each page is one
   * call through `send`, so a paced sender paces the listing too.
   */
  async listFunctions(client: unknown, send: SendFn, options: { allVersions?: boolean } = {}): Promise<FunctionConfiguration[]> {
    const listed: FunctionConfiguration[] = [];
    let marker: string | undefined;
    do {
      const page = await send<ListFunctionsCommandOutput>(
        client,
        new ListFunctionsCommand({ MaxItems: 50, ...(options.allVersions ? { FunctionVersion: 'ALL' } : {}), ...(marker ? { Marker: marker } : {}) }),
      );
      listed.push(...(page.Functions ?? []));
      marker = page.NextMarker;
    } while (marker);
    return listed;
  }

  /**
   * Compares a listing with the entries of one account/region: evicts what is gone and returns the names to re-read
   * (new, or `RevisionId`/`LastModified` of `$LATEST` changed, or, for a `FunctionVersion=ALL` listing, a version
   * published or deleted). With `detailRefreshMs` set, also the ones whose details are older than that.
   */
  compareListing(account: string, region: string, listed: readonly FunctionConfiguration[], options: { detailRefreshMs?: number } = {}): { stale: string[]; evicted: number } {
    const regionKey = `${account}\u0000${region}`;
    const latest = new Map<string, FunctionConfiguration>();
    const versions = new Map<string, Set<string>>();
    let allVersions = false;
    for (const f of listed) {
      const name = f.FunctionName!;
      if (!f.Version || f.Version === '$LATEST') latest.set(name, f);
      else allVersions = true;
      if (f.Version) (versions.get(name) ?? versions.set(name, new Set()).get(name)!).add(f.Version);
    }
    const now = this.now();
    const stale: string[] = [];
    const seen = new Set<string>();
    for (const [name, f] of latest) {
      const k = key(account, region, name);
      seen.add(k);
      const e = this.entries.get(k);
      let changed = !e || e.revisionId !== f.RevisionId || e.lastModified !== f.LastModified;
      if (!changed && options.detailRefreshMs !== undefined && now - e!.hydratedAt > options.detailRefreshMs) changed = true;
      if (!changed && allVersions) {
        const have = new Set(Object.values(e!.fn.revisions ?? {}).map(String));
        const listedVersions = versions.get(name)!;
        if (have.size !== listedVersions.size || [...listedVersions].some((v) => !have.has(v))) changed = true;
      }
      if (changed) stale.push(name);
    }
    let evicted = 0;
    for (const k of [...(this.byRegion.get(regionKey) ?? [])]) {
      if (!seen.has(k)) {
        this.remove(k);
        evicted++;
      }
    }
    if (options.detailRefreshMs === undefined) {
      // refreshRegion's rule: details older than detailRefreshMs are re-read on the listing.
      for (const [name] of latest) {
        const e = this.entries.get(key(account, region, name));
        if (e && !stale.includes(name) && now - e.hydratedAt > this.deps.detailRefreshMs) stale.push(name);
      }
    }
    return { stale, evicted };
  }

  /**
   * Notes each function's published-version CodeSize from a `FunctionVersion=ALL` listing (functions listed with only
   * `$LATEST` have none). The refresh scheduler compares AccountUsage.TotalCodeSize against what it already knows.
   */
  notePublishedSizes(account: string, region: string, listed: readonly FunctionConfiguration[]): void {
    const sums = new Map<string, number>();
    for (const f of listed) {
      const k = key(account, region, f.FunctionName!);
      sums.set(k, (sums.get(k) ?? 0) + (f.Version && f.Version !== '$LATEST' ? (f.CodeSize ?? 0) : 0));
    }
    for (const [k, n] of sums) if (this.entries.has(k)) this.publishedSizes.set(k, n);
  }

  /** Summed published-version CodeSize of one account/region's functions, as far as reads and listings have seen. */
  publishedCodeSize(account: string, region: string): number {
    let n = 0;
    for (const k of this.byRegion.get(`${account}\u0000${region}`) ?? []) n += this.publishedSizes.get(k) ?? 0;
    return n;
  }

  /** Names and read times of one account/region's entries (the refresh scheduler orders its sweep by them). */
  entriesOf(account: string, region: string): { name: string; hydratedAt: number }[] {
    const out: { name: string; hydratedAt: number }[] = [];
    for (const k of this.byRegion.get(`${account}\u0000${region}`) ?? []) {
      const e = this.entries.get(k);
      if (e) out.push({ name: e.fn.functionName, hydratedAt: e.hydratedAt });
    }
    return out;
  }

  /** The function an event source mapping belongs to, from cached details (for events that name only the mapping). */
  functionOfMapping(account: string, region: string, uuid: string): string | undefined {
    for (const k of this.byRegion.get(`${account}\u0000${region}`) ?? []) {
      const e = this.entries.get(k);
      if (e?.fn.eventSourceMappings?.some((m) => (m as { uuid?: string }).uuid === uuid)) return e.fn.functionName;
    }
    return undefined;
  }

  /**
   * Re-reads one function now (after a write, an event, `POST /cache/aws/function`); undefined when it does not exist
   * (the entry is evicted). `send` replaces the inventory's sender (the scheduler passes its paced one).
   */
  async refreshFunction(account: AccountConfig, region: string, name: string, options: { send?: SendFn } = {}): Promise<LambdaFunction | undefined> {
    const client = this.deps.aws.client(LambdaClient, account, region);
    try {
      return await this.hydrate(client, account, region, name, options.send);
    } catch (err) {
      if ((err as Error).name === 'ResourceNotFoundException') {
        this.evict(account.name, region, name);
        return undefined;
      }
      throw err;
    }
  }

  evict(account: string, region: string, name: string): void {
    this.remove(key(account, region, name));
  }

  /** When the function was last read from AWS (ms), if cached. */
  cachedAt(account: string, region: string, name: string): number | undefined {
    return this.entries.get(key(account, region, name))?.hydratedAt;
  }

  get(account: string, region: string, name: string): LambdaFunction | undefined {
    return this.entries.get(key(account, region, name))?.fn;
  }

  /** Functions of the given accounts, optionally filtered. */
  list(filter: { accounts: ReadonlySet<string>; account?: string; region?: string; functionName?: string }): LambdaFunction[] {
    if (filter.account && filter.region && filter.functionName) {
      const fn = filter.accounts.has(filter.account) ? this.get(filter.account, filter.region, filter.functionName) : undefined;
      return fn ? [fn] : [];
    }
    const out: LambdaFunction[] = [];
    for (const e of this.entries.values()) {
      const f = e.fn;
      if (!filter.accounts.has(f.account)) continue;
      if (filter.account && f.account !== filter.account) continue;
      if (filter.region && f.region !== filter.region) continue;
      if (filter.functionName && f.functionName !== filter.functionName) continue;
      out.push(f);
    }
    return out;
  }

  /** Functions of one application (moniker tag, else the name's app part). */
  forApplication(app: string, accounts: ReadonlySet<string>): LambdaFunction[] {
    const keys = this.byApp.get(app.toLowerCase());
    if (!keys) return [];
    const out: LambdaFunction[] = [];
    for (const k of keys) {
      const f = this.entries.get(k)?.fn;
      if (f && accounts.has(f.account)) out.push(f);
    }
    return out;
  }

  /** Puts a prepared model in (tests and benchmarks fill a large inventory this way). */
  put(fn: LambdaFunction): void {
    const k = key(fn.account, fn.region, fn.functionName);
    this.store(k, fn, { revisionId: fn.revisionId, lastModified: fn.lastModified });
  }

  private async hydrate(client: unknown, account: AccountConfig, region: string, name: string, sendWith?: SendFn): Promise<LambdaFunction> {
    const send = sendWith ?? this.deps.send;
    const got = await send<GetFunctionCommandOutput>(client, new GetFunctionCommand({ FunctionName: name }));
    const c = got.Configuration!;
    const versions: FunctionConfiguration[] = [];
    let marker: string | undefined;
    do {
      const p: ListVersionsByFunctionCommandOutput = await send<ListVersionsByFunctionCommandOutput>(client, new ListVersionsByFunctionCommand({ FunctionName: name, ...(marker ? { Marker: marker } : {}) }));
      versions.push(...(p.Versions ?? []));
      marker = p.NextMarker;
    } while (marker);
    const aliases: AliasConfiguration[] = [];
    marker = undefined;
    do {
      const p: ListAliasesCommandOutput = await send<ListAliasesCommandOutput>(client, new ListAliasesCommand({ FunctionName: name, ...(marker ? { Marker: marker } : {}) }));
      aliases.push(...(p.Aliases ?? []));
      marker = p.NextMarker;
    } while (marker);
    const mappings: EventSourceMappingConfiguration[] = [];
    for (const target of [c.FunctionArn!, ...aliases.map((a) => a.AliasArn!)]) {
      marker = undefined;
      do {
        const p: ListEventSourceMappingsCommandOutput = await send<ListEventSourceMappingsCommandOutput>(client, new ListEventSourceMappingsCommand({ FunctionName: target, ...(marker ? { Marker: marker } : {}) }));
        for (const m of p.EventSourceMappings ?? []) if (!mappings.some((x) => x.UUID === m.UUID)) mappings.push(m);
        marker = p.NextMarker;
      } while (marker);
    }
    let policy: string | undefined;
    try {
      policy = (await send<GetPolicyCommandOutput>(client, new GetPolicyCommand({ FunctionName: name }))).Policy;
    } catch (err) {
      if ((err as Error).name !== 'ResourceNotFoundException') throw err;
    }
    const tags = got.Tags ?? {};
    const moniker = monikerOf(name, tags);
    const fn: LambdaFunction = {
      ...(toCamel(c) as Record<string, unknown>),
      functionName: name,
      account: account.name,
      region,
      cloudProvider: 'aws',
      ...(got.Code ? { code: toCamel(got.Code) } : {}),
      tags,
      ...(got.Concurrency ? { concurrency: toCamel(got.Concurrency) } : {}),
      revisions: Object.fromEntries(versions.filter((v) => v.RevisionId).map((v) => [v.RevisionId!, v.Version!])),
      aliasConfigurations: aliases.map((a) => toCamel(a) as NonNullable<LambdaFunction['aliasConfigurations']>[number]),
      eventSourceMappings: mappings.map((m) => toCamel(m) as NonNullable<LambdaFunction['eventSourceMappings']>[number]),
      targetGroups: targetGroupsFromPolicy(policy).map((t) => targetGroupName(t.arn)),
      moniker,
    };
    this.store(key(account.name, region, name), fn, { revisionId: c.RevisionId, lastModified: c.LastModified });
    this.publishedSizes.set(key(account.name, region, name), versions.reduce((n, v) => n + (v.Version && v.Version !== '$LATEST' ? (v.CodeSize ?? 0) : 0), 0));
    return fn;
  }

  private store(k: string, fn: LambdaFunction, v: { revisionId?: string | undefined; lastModified?: string | undefined }) {
    const e = this.index(k, fn, v, this.now());
    this.db?.put(k, e);
  }

  private index(k: string, fn: LambdaFunction, v: { revisionId?: string | undefined; lastModified?: string | undefined }, hydratedAt: number): Entry {
    this.unindex(k);
    const app = (fn.moniker?.app ?? monikerOf(fn.functionName, fn.tags).app)?.toLowerCase();
    this.changes++;
    const entry: Entry = { fn, ...(app ? { app } : {}), ...(v.revisionId ? { revisionId: v.revisionId } : {}), ...(v.lastModified ? { lastModified: v.lastModified } : {}), hydratedAt };
    this.entries.set(k, entry);
    if (app) (this.byApp.get(app) ?? this.byApp.set(app, new Set()).get(app)!).add(k);
    const rk = `${fn.account}\u0000${fn.region}`;
    (this.byRegion.get(rk) ?? this.byRegion.set(rk, new Set()).get(rk)!).add(k);
    return entry;
  }

  private remove(k: string) {
    this.publishedSizes.delete(k);
    if (this.unindex(k)) this.db?.del(k);
  }

  private unindex(k: string): boolean {
    const e = this.entries.get(k);
    if (!e) return false;
    this.changes++;
    this.entries.delete(k);
    if (e.app) this.byApp.get(e.app)?.delete(k);
    this.byRegion.get(`${e.fn.account}\u0000${e.fn.region}`)?.delete(k);
    return true;
  }
}
