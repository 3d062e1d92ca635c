import { z } from 'zod';
import { allowedHostsProblems } from '../artifacts/createArtifactFetcher.js';

/** A region as clouddriver writes it (`{name: us-east-1}`) or as a bare string. */
export const RegionSchema = z
  .union([z.string().min(1), z.looseObject({ name: z.string().min(1) })])
  .transform((r) => (typeof r === 'string' ? { name: r } : { name: r.name }));

/** clouddriver's `aws.accounts[]` entry, plus outrigger's per-account `endpoint` override. */
export const AccountSchema = z.looseObject({
  name: z.string().min(1),
  accountId: z
    .union([z.string(), z.number()])
    .transform(String)
    .pipe(z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id'))
    .optional(),
  environment: z.string().optional(),
  accountType: z.string().optional(),
  regions: z.array(RegionSchema).default([]),
  /** `role/spinnakerManaged` (clouddriver's form, completed with accountId) or a full role ARN. */
  assumeRole: z.string().min(1).optional(),
  externalId: z.string().min(1).optional(),
  sessionName: z.string().min(1).optional(),
  lambdaEnabled: z.boolean().default(false),
  /**
   * Shorthand for an ECS account of the same name using this account's credentials (as if `ecs.accounts` had
   * `{name: <this>, awsAccount: <this>}`). Off by default: an AWS account is an ECS account only when said so, so an
   * account added for Lambda never has its ECS deploys taken over from clouddriver.
   */
  ecsEnabled: z.boolean().default(false),
  /** Set on the ECS accounts derived from `ecs.accounts`: the AWS account whose credentials they use. */
  awsAccount: z.string().optional(),
  permissions: z
    .object({
      READ: z.array(z.string()).default([]),
      WRITE: z.array(z.string()).default([]),
    })
    .default({ READ: [], WRITE: [] }),
  /** Any AWS-compatible endpoint (LocalStack, MinIO, a proxy): every client of this account uses it. */
  endpoint: z.url().optional(),
});

export const ConfigSchema = z.object({
  server: z
    .object({
      port: z.number().int().min(0).max(65535).default(7011),
      host: z.string().default('0.0.0.0'),
      /** Largest JSON body accepted. */
      bodyLimit: z.string().default('1mb'),
      /** Public base URL, for `Location` headers and artifact references; defaults to the listening address. */
      baseUrl: z.url().optional(),
      shutdownTimeoutSeconds: z.number().positive().default(25),
    })
    .default({ port: 7011, host: '0.0.0.0', bodyLimit: '1mb', shutdownTimeoutSeconds: 25 }),
  dataDir: z.string().default('./.outrigger'),
  storage: z
    .object({
      /** `sqlite` (default, one process), `memory` (tests), or `postgres` (several replicas on one database). */
      type: z.enum(['sqlite', 'memory', 'postgres']).default('sqlite'),
      /** SQLite file; defaults to `<dataDir>/outrigger.db`. */
      path: z.string().optional(),
      /** PostgreSQL connection URL (`postgres://user:${PGPASSWORD}@host:5432/db`), for `type: postgres`. */
      url: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// URL').optional(),
      /** PostgreSQL password, overriding the URL's (write `${VAR}`), so special characters need no escaping. */
      password: z.string().optional(),
      /** PostgreSQL schema holding outrigger's tables (created at start if missing). */
      schema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a plain lower-case identifier').default('public'),
      /** Connections per replica. */
      poolSize: z.number().int().min(2).max(100).default(10),
      /**
       * How often a replica renews its leases (tasks, bakes, pollers). A replica silent for 3 periods is dead: the
       * others adopt its work.
       */
      heartbeatSeconds: z.number().positive().max(300).default(10),
    })
    .refine((s) => s.type !== 'postgres' || s.url, { message: 'url is required when type is postgres', path: ['url'] })
    .default({ type: 'sqlite', schema: 'public', poolSize: 10, heartbeatSeconds: 10 }),
  logging: z
    .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
    .default({ level: 'info' }),
  auth: z
    .object({
      fiat: z
        .object({
          enabled: z.boolean().default(false),
          baseUrl: z.url().optional(),
          cacheSeconds: z.number().min(0).default(10),
          timeoutMs: z.number().int().positive().default(5000),
        })
        .refine((f) => !f.enabled || f.baseUrl, { message: 'baseUrl is required when fiat is enabled', path: ['baseUrl'] })
        .default({ enabled: false, cacheSeconds: 10, timeoutMs: 5000 }),
    })
    .default({ fiat: { enabled: false, cacheSeconds: 10, timeoutMs: 5000 } }),
  aws: z
    .looseObject({
      defaultRegions: z.array(RegionSchema).default([{ name: 'us-east-1' }]),
      accounts: z.array(AccountSchema).default([]),
      client: z
        .object({ maxAttempts: z.number().int().min(1).max(20).default(5) })
        .default({ maxAttempts: 5 }),
    })
    .default({ defaultRegions: [{ name: 'us-east-1' }], accounts: [], client: { maxAttempts: 5 } })
    .superRefine((aws, ctx) => {
      const seen = new Set<string>();
      aws.accounts.forEach((a, i) => {
        if (seen.has(a.name)) ctx.addIssue({ code: 'custom', path: ['accounts', i, 'name'], message: `duplicate account name "${a.name}"` });
        seen.add(a.name);
        if (a.assumeRole && !a.assumeRole.startsWith('arn:') && !a.accountId)
          ctx.addIssue({ code: 'custom', path: ['accounts', i, 'accountId'], message: 'accountId is required when assumeRole is not a full ARN' });
      });
    }),
  /** Outbound artifact fetches (ECS render and operations, Lambda code from `http/file`, GitHub contents). */
  artifacts: z
    .object({
      /**
       * Hosts (names, `*.example.com`, IP addresses or CIDRs) an artifact may be fetched from although they resolve to
       * a loopback, link-local, unique-local or private address, which are refused otherwise.
       */
      allowedHosts: z.array(z.string().min(1)).default([]),
    })
    .superRefine((a, ctx) => {
      for (const p of allowedHostsProblems(a.allowedHosts)) ctx.addIssue({ code: 'custom', path: ['allowedHosts', p.index], message: p.message });
    })
    .default({ allowedHosts: [] }),
  /** The real clouddriver, when outrigger sits at Orca's `clouddriver.baseUrl` and forwards what it does not own. */
  clouddriver: z.object({ baseUrl: z.url().optional() }).default({}),
  /** Provider sections: each provider validates its own with `parseConfigSection`. */
  lambda: z.record(z.string(), z.unknown()).default({}),
  /**
   * clouddriver's `ecs:` section: `accounts[{name, awsAccount, namingStrategy}]` are the ECS accounts (Orca's ECS
   * descriptions carry their names, e.g. `ecs-prod`), each using the credentials of the AWS account it names. The
   * rest of the section is the ECS provider's (see packages/ecs).
   */
  ecs: z
    .looseObject({
      enabled: z.boolean().optional(),
      accounts: z
        .array(
          z.looseObject({
            name: z.string().min(1),
            awsAccount: z.string().min(1),
            namingStrategy: z.string().optional(),
            permissions: z.object({ READ: z.array(z.string()).default([]), WRITE: z.array(z.string()).default([]) }).optional(),
          }),
        )
        .default([]),
    })
    .default({ accounts: [] }),
  bake: z.record(z.string(), z.unknown()).default({}),
}).superRefine((c, ctx) => {
  const aws = new Set(c.aws.accounts.map((a) => a.name));
  const seen = new Set<string>();
  c.ecs.accounts.forEach((e, i) => {
    if (!aws.has(e.awsAccount))
      ctx.addIssue({ code: 'custom', path: ['ecs', 'accounts', i, 'awsAccount'], message: `no aws.accounts entry is named "${e.awsAccount}" (AWS accounts: ${[...aws].join(', ') || 'none'})` });
    if (seen.has(e.name)) ctx.addIssue({ code: 'custom', path: ['ecs', 'accounts', i, 'name'], message: `duplicate ECS account name "${e.name}"` });
    if (aws.has(e.name) && e.name !== e.awsAccount)
      ctx.addIssue({ code: 'custom', path: ['ecs', 'accounts', i, 'name'], message: `"${e.name}" is already an AWS account using other credentials; give the ECS account its own name` });
    seen.add(e.name);
  });
});

export type OutriggerConfig = z.infer<typeof ConfigSchema>;
export type EcsAccountEntry = OutriggerConfig['ecs']['accounts'][number];
export type AccountConfig = OutriggerConfig['aws']['accounts'][number];
