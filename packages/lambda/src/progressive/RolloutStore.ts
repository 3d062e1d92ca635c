import type { DeployLambdaProgressiveDescription, LambdaRolloutEvent, LambdaRolloutView } from '@outrigger/contract';
import { transaction, type Migrations, type PgDatabase, type SqliteDatabase } from '@outrigger/runtime';

export type RolloutState = LambdaRolloutView['state'];
export type RolloutPhase = LambdaRolloutView['phase'];
export type Step = { weight: number; bakeSeconds: number };

/** One CodeDeploy-style lifecycle hook run: what outrigger gave the hook and what it reported. */
export interface HookExecution {
  functionName: string;
  executionId: string;
  /** Set once the hook function was invoked (a restart before that invokes it again with the same id). */
  invokedAt?: number;
  status: 'Pending' | 'Succeeded' | 'Failed';
  reportedAt?: number;
}

/** A manual request waiting for the engine (pause and resume act on `state` directly). */
export interface PendingControl {
  action: 'skip' | 'promote' | 'rollback';
  reason?: string;
  /** The Spinnaker user who asked. */
  by?: string;
  at: number;
}

/**
 * Everything a rollout needs to continue after a restart: where it is (phase, applied step, when that step started,
 * how long it was paused), the weight change it was about to make, the versions and provisioned concurrency it found,
 * and its hooks. The events (steps, gate readings, decisions) are kept beside it, append-only.
 */
export interface RolloutRecord {
  id: string;
  account: string;
  region: string;
  functionName: string;
  aliasName: string;
  description: DeployLambdaProgressiveDescription;
  deploymentType?: string;
  steps: Step[];
  state: RolloutState;
  phase: RolloutPhase;
  oldVersion?: string;
  newVersion?: string;
  /** Percent on the new version, as last applied. */
  weight: number;
  /** The step applied last (-1 before the first shift). */
  stepIndex: number;
  /** When the applied step's weight took effect. */
  stepStartedAt?: number;
  /** Paused time within the current step (the bake clock stops while paused). */
  pausedMs: number;
  pausedAt?: number;
  /** The weight change about to be sent to AWS; cleared once it is stored as applied. */
  pendingStep?: number;
  /** When that change was sent: if it turns out to have taken effect, its bake counts from here. */
  pendingAt?: number;
  /** The alias's provisioned concurrency when the rollout started (restored on rollback). */
  aliasProvisioned?: number;
  /** Provisioned concurrency outrigger put on the new version. */
  versionProvisioned?: number;
  beforeHook?: HookExecution;
  afterHook?: HookExecution;
  control?: PendingControl;
  rollbackReason?: string;
  createdAt: number;
  updatedAt: number;
}

type Mutable = Omit<RolloutRecord, 'id' | 'account' | 'region' | 'functionName' | 'aliasName' | 'createdAt' | 'updatedAt'>;
/** The fields to change; `null` removes an optional field. */
export type RolloutPatch = { [K in keyof Mutable]?: Mutable[K] | null };

export interface RolloutFilter {
  accounts?: readonly string[];
  account?: string;
  functionName?: string;
  active?: boolean;
  limit?: number;
}

export const isActive = (s: RolloutState) => s === 'RUNNING' || s === 'PAUSED';
export const aliasKey = (r: Pick<RolloutRecord, 'account' | 'region' | 'functionName' | 'aliasName'>) => `${r.account}/${r.region}/${r.functionName}/${r.aliasName}`;

/**
 * Where rollouts are kept. `create` is the one place that enforces "one running rollout per alias": it refuses (and
 * returns the owner) while another RUNNING or PAUSED rollout holds the same account/region/function/alias. `update`
 * merges the named fields only, so the engine and a manual control never overwrite each other's fields. All
 * implementations are proven by `runRolloutStoreCases`.
 */
export interface RolloutStore {
  create(r: RolloutRecord): Promise<{ created: true } | { created: false; owner: RolloutRecord }>;
  get(id: string): Promise<RolloutRecord | undefined>;
  /** Newest first. */
  list(filter: RolloutFilter): Promise<RolloutRecord[]>;
  /** Merges `patch` into the rollout; returns the result (undefined if missing). */
  update(id: string, patch: RolloutPatch, now: number): Promise<RolloutRecord | undefined>;
  appendEvents(id: string, events: LambdaRolloutEvent[]): Promise<void>;
  events(id: string): Promise<LambdaRolloutEvent[]>;
}

const clone = <T>(v: T): T => structuredClone(v);
const dropUndefined = (p: RolloutPatch) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as RolloutPatch;
/** `null` in a patch removes the field (JSON cannot carry undefined). */
function merge(r: RolloutRecord, patch: RolloutPatch, now: number): RolloutRecord {
  const out = { ...r, ...dropUndefined(patch), updatedAt: now } as Record<string, unknown>;
  for (const [k, v] of Object.entries(patch)) if (v === null) delete out[k];
  return out as unknown as RolloutRecord;
}
const matches = (r: RolloutRecord, f: RolloutFilter) =>
  (!f.accounts || f.accounts.includes(r.account)) &&
  (!f.account || r.account === f.account) &&
  (!f.functionName || r.functionName === f.functionName) &&
  (f.active === undefined || isActive(r.state) === f.active);

export class InMemoryRolloutStore implements RolloutStore {
  private readonly rollouts = new Map<string, RolloutRecord>();
  private readonly log = new Map<string, LambdaRolloutEvent[]>();
  async create(r: RolloutRecord) {
    const owner = [...this.rollouts.values()].find((o) => isActive(o.state) && aliasKey(o) === aliasKey(r));
    if (owner) return { created: false as const, owner: clone(owner) };
    this.rollouts.set(r.id, clone(r));
    this.log.set(r.id, []);
    return { created: true as const };
  }
  async get(id: string) {
    const r = this.rollouts.get(id);
    return r && clone(r);
  }
  async list(f: RolloutFilter) {
    return [...this.rollouts.values()]
      .filter((r) => matches(r, f))
      .sort((a, b) => b.createdAt - a.createdAt)
      .slice(0, f.limit ?? 100)
      .map(clone);
  }
  async update(id: string, patch: RolloutPatch, now: number) {
    const r = this.rollouts.get(id);
    if (!r) return undefined;
    const next = merge(r, clone(patch), now);
    this.rollouts.set(id, next);
    return clone(next);
  }
  async appendEvents(id: string, events: LambdaRolloutEvent[]) {
    this.log.get(id)?.push(...clone(events));
  }
  async events(id: string) {
    return clone(this.log.get(id) ?? []);
  }
}

interface Row {
  body: string;
}

/** SQLite: one row per rollout (`active_key` is UNIQUE while it runs) and an append-only event table. */
export class SqliteRolloutStore implements RolloutStore {
  constructor(private readonly db: SqliteDatabase) {
    db.exec(`CREATE TABLE IF NOT EXISTS lambda_rollouts (
      id TEXT PRIMARY KEY, active_key TEXT UNIQUE, account TEXT NOT NULL, function_name TEXT NOT NULL, state TEXT NOT NULL,
      created_at INTEGER NOT NULL, body TEXT NOT NULL)`);
    db.exec('CREATE TABLE IF NOT EXISTS lambda_rollout_events (rollout_id TEXT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (rollout_id, seq))');
  }
  async create(r: RolloutRecord) {
    try {
      this.db
        .prepare('INSERT INTO lambda_rollouts (id, active_key, account, function_name, state, created_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(r.id, isActive(r.state) ? aliasKey(r) : null, r.account, r.functionName, r.state, r.createdAt, JSON.stringify(r));
      return { created: true as const };
    } catch (err) {
      if (!/UNIQUE/.test((err as Error).message)) throw err;
      const row = this.db.prepare('SELECT body FROM lambda_rollouts WHERE active_key = ?').get(aliasKey(r)) as Row | undefined;
      if (!row) throw err;
      return { created: false as const, owner: JSON.parse(row.body) as RolloutRecord };
    }
  }
  async get(id: string) {
    const row = this.db.prepare('SELECT body FROM lambda_rollouts WHERE id = ?').get(id) as Row | undefined;
    return row ? (JSON.parse(row.body) as RolloutRecord) : undefined;
  }
  async list(f: RolloutFilter) {
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.account) (where.push('account = ?'), args.push(f.account));
    if (f.functionName) (where.push('function_name = ?'), args.push(f.functionName));
    if (f.active !== undefined) where.push(f.active ? 'active_key IS NOT NULL' : 'active_key IS NULL');
    const rows = this.db
      .prepare(`SELECT body FROM lambda_rollouts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id`)
      .all(...args) as Row[];
    return rows
      .map((r) => JSON.parse(r.body) as RolloutRecord)
      .filter((r) => matches(r, f))
      .slice(0, f.limit ?? 100);
  }
  async update(id: string, patch: RolloutPatch, now: number) {
    // Read, merge and write in one transaction: another process on the same file cannot interleave.
    return transaction(this.db, () => {
      const row = this.db.prepare('SELECT body FROM lambda_rollouts WHERE id = ?').get(id) as Row | undefined;
      if (!row) return undefined;
      const next = merge(JSON.parse(row.body) as RolloutRecord, patch, now);
      this.db
        .prepare('UPDATE lambda_rollouts SET body = ?, state = ?, active_key = ? WHERE id = ?')
        .run(JSON.stringify(next), next.state, isActive(next.state) ? aliasKey(next) : null, id);
      return next;
    });
  }
  async appendEvents(id: string, events: LambdaRolloutEvent[]) {
    if (!events.length) return;
    transaction(this.db, () => {
      const { n } = this.db.prepare('SELECT COALESCE(MAX(seq), -1) + 1 AS n FROM lambda_rollout_events WHERE rollout_id = ?').get(id) as { n: number };
      const insert = this.db.prepare('INSERT INTO lambda_rollout_events (rollout_id, seq, body) VALUES (?, ?, ?)');
      events.forEach((e, i) => insert.run(id, n + i, JSON.stringify(e)));
    });
  }
  async events(id: string) {
    const rows = this.db.prepare('SELECT body FROM lambda_rollout_events WHERE rollout_id = ? ORDER BY seq').all(id) as Row[];
    return rows.map((r) => JSON.parse(r.body) as LambdaRolloutEvent);
  }
}

export const ROLLOUT_MIGRATIONS: Migrations = [
  `CREATE TABLE lambda_rollouts (id TEXT PRIMARY KEY, active_key TEXT UNIQUE, account TEXT NOT NULL, function_name TEXT NOT NULL,
     state TEXT NOT NULL, created_at BIGINT NOT NULL, body JSONB NOT NULL);
   CREATE TABLE lambda_rollout_events (rollout_id TEXT NOT NULL, seq BIGSERIAL, body JSONB NOT NULL, PRIMARY KEY (rollout_id, seq));`,
];

/** PostgreSQL: the same tables; `update` merges with `jsonb ||` in one statement, so replicas never lose a field. */
export class PostgresRolloutStore implements RolloutStore {
  private readonly ready: Promise<void>;
  constructor(private readonly db: PgDatabase) {
    this.ready = db.migrate('lambda_rollouts', ROLLOUT_MIGRATIONS);
    this.ready.catch(() => {});
  }
  async create(r: RolloutRecord) {
    await this.ready;
    try {
      await this.db.query('INSERT INTO lambda_rollouts (id, active_key, account, function_name, state, created_at, body) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)', [
        r.id,
        isActive(r.state) ? aliasKey(r) : null,
        r.account,
        r.functionName,
        r.state,
        r.createdAt,
        JSON.stringify(r),
      ]);
      return { created: true as const };
    } catch (err) {
      if ((err as { code?: string }).code !== '23505') throw err;
      const [row] = await this.db.query<{ body: RolloutRecord }>('SELECT body FROM lambda_rollouts WHERE active_key = $1', [aliasKey(r)]);
      if (!row) throw err;
      return { created: false as const, owner: row.body };
    }
  }
  async get(id: string) {
    await this.ready;
    const [row] = await this.db.query<{ body: RolloutRecord }>('SELECT body FROM lambda_rollouts WHERE id = $1', [id]);
    return row?.body;
  }
  async list(f: RolloutFilter) {
    await this.ready;
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.account) (args.push(f.account), where.push(`account = $${args.length}`));
    if (f.functionName) (args.push(f.functionName), where.push(`function_name = $${args.length}`));
    if (f.accounts) (args.push([...f.accounts]), where.push(`account = ANY($${args.length})`));
    if (f.active !== undefined) where.push(f.active ? 'active_key IS NOT NULL' : 'active_key IS NULL');
    args.push(f.limit ?? 100);
    const rows = await this.db.query<{ body: RolloutRecord }>(
      `SELECT body FROM lambda_rollouts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id LIMIT $${args.length}`,
      args,
    );
    return rows.map((r) => r.body);
  }
  async update(id: string, patch: RolloutPatch, now: number) {
    await this.ready;
    const set = { ...dropUndefined(patch), updatedAt: now } as Record<string, unknown>;
    const removed = Object.entries(patch)
      .filter(([, v]) => v === null)
      .map(([k]) => k);
    for (const k of removed) delete set[k];
    const [row] = await this.db.query<{ body: RolloutRecord }>(
      `UPDATE lambda_rollouts SET body = (body || $2::jsonb) - $3::text[],
         state = COALESCE(($2::jsonb)->>'state', state)
       WHERE id = $1 RETURNING body`,
      [id, JSON.stringify(set), removed],
    );
    if (!row) return undefined;
    const active = isActive(row.body.state);
    await this.db.query('UPDATE lambda_rollouts SET active_key = $2 WHERE id = $1', [id, active ? aliasKey(row.body) : null]);
    return row.body;
  }
  async appendEvents(id: string, events: LambdaRolloutEvent[]) {
    await this.ready;
    if (!events.length) return;
    await this.db.query('INSERT INTO lambda_rollout_events (rollout_id, body) SELECT $1, e FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t(e, n) ORDER BY n', [
      id,
      JSON.stringify(events),
    ]);
  }
  async events(id: string) {
    await this.ready;
    const rows = await this.db.query<{ body: LambdaRolloutEvent }>('SELECT body FROM lambda_rollout_events WHERE rollout_id = $1 ORDER BY seq', [id]);
    return rows.map((r) => r.body);
  }
}
