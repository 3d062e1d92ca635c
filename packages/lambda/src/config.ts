import { z } from 'zod';

/** The `lambda:` config section (clouddriver's `aws.lambda.*` knobs plus outrigger's inventory settings). */
export const LambdaConfigSchema = z.object({
  /** clouddriver's `aws.lambda.prefixApplicationNameToFunction`: names become `<appName>-<functionName>`. */
  prefixApplicationNameToFunction: z.boolean().default(true),
  /** clouddriver's `aws.lambda.setMonikerTags`: write `moniker.spinnaker.io/*` tags on create and update. */
  setMonikerTags: z.boolean().default(true),
  /** Default invoke timeout when the description says `-1` or nothing (clouddriver's `aws.lambda.invokeTimeoutMs`). */
  invokeTimeoutMs: z.number().int().positive().default(50_000),
  /** How long a write waits for `State: Active` and `LastUpdateStatus: Successful` between steps. */
  stabilizeTimeoutSeconds: z.number().int().positive().default(300),
  /** Largest artifact outrigger downloads to upload as a zip (Lambda's direct-upload limit is 50 MB). */
  maxArtifactBytes: z.number().int().positive().default(50 * 1024 * 1024),
  inventory: z
    .object({
      enabled: z.boolean().default(true),
      /** How often each account/region is listed (clouddriver's agents run every 30 s). */
      intervalSeconds: z.number().positive().default(30),
      /** Details of an unchanged function are re-read after this long (catches alias/mapping changes made outside). */
      detailRefreshSeconds: z.number().positive().default(600),
      /** Functions hydrated at once per region. */
      concurrency: z.number().int().min(1).max(64).default(8),
    })
    .default({ enabled: true, intervalSeconds: 30, detailRefreshSeconds: 600, concurrency: 8 }),
});
export type LambdaConfig = z.infer<typeof LambdaConfigSchema>;
