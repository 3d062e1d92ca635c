import { z } from 'zod';

/** The `ecs:` section of the outrigger config. */
export const EcsConfigSchema = z.object({
  /** clouddriver's ECS accounts; read by the runtime (`resolveAccounts`), listed here so the section knows them. */
  accounts: z.array(z.unknown()).optional(),
  enabled: z.boolean().optional(),
  artifacts: z
    .object({
      /** Largest artifact fetched, in bytes. */
      maxBytes: z.number().int().positive().default(1024 * 1024),
      timeoutMs: z.number().int().positive().default(10_000),
      http: z
        .object({
          /** When set, `http/file` references must start with one of these prefixes. */
          allowedUrlPrefixes: z.array(z.string().min(1)).optional(),
        })
        .default({}),
      github: z
        .object({
          /** GitHub (Enterprise) API base URL; the token is only sent to URLs under it. */
          apiBaseUrl: z.url().default('https://api.github.com'),
          token: z.string().min(1).optional(),
          /** A file holding the token (read once at start). */
          tokenFile: z.string().min(1).optional(),
        })
        .default({ apiBaseUrl: 'https://api.github.com' }),
      s3: z
        .object({
          /** The AWS account (by name) used to read `s3/object` artifacts; defaults to the request's account. */
          account: z.string().min(1).optional(),
          region: z.string().min(1).optional(),
        })
        .default({}),
    })
    .default({ maxBytes: 1024 * 1024, timeoutMs: 10_000, http: {}, github: { apiBaseUrl: 'https://api.github.com' }, s3: {} }),
  renders: z
    .object({
      /** Kept renders older than this are deleted (clouddriver fetches them right after the render). */
      retentionDays: z.number().positive().default(30),
    })
    .default({ retentionDays: 30 }),
  deploy: z
    .object({
      pollMinMs: z.number().int().positive().default(5_000),
      pollMaxMs: z.number().int().positive().default(30_000),
      maxWaitSeconds: z.number().int().positive().default(1_800),
    })
    .default({ pollMinMs: 5_000, pollMaxMs: 30_000, maxWaitSeconds: 1_800 }),
});

export type EcsConfig = z.infer<typeof EcsConfigSchema>;
