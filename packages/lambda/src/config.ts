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
      /** How often each account/region is listed while polling (clouddriver's agents run every 30 s). */
      intervalSeconds: z.number().positive().default(30),
      /** While polling, every function's details are re-read once per this window, spread evenly across it. */
      detailRefreshSeconds: z.number().positive().default(600),
      /** Functions read at once per region when they are new or changed. */
      concurrency: z.number().int().min(1).max(64).default(8),
      /** Per account: AWS calls per second the inventory may make (listing and reads together, all regions). */
      callsPerSecond: z.number().positive().max(1000).default(20),
      /** `ListFunctions FunctionVersion=ALL` at least this often (sooner when AccountUsage says versions changed). */
      allVersionsListSeconds: z.number().positive().default(3600),
      /** Change detection from CloudTrail events through EventBridge and SQS (see the README's "Change feed"). */
      changeFeed: z
        .object({
          queues: z
            .array(
              z.strictObject({
                account: z.string().min(1),
                region: z.string().min(1),
                queueUrl: z.url(),
              }),
            )
            .default([]),
          /** No message and no heartbeat for this long: the feed is silent and its region polls again. */
          silenceSeconds: z.number().positive().default(900),
          /**
           * Listing interval while the feed is healthy. Each listing is the cheap safety pass: a function whose
           * RevisionId or LastModified moved without an event is read in full.
           */
          listIntervalSeconds: z.number().positive().default(3600),
          /**
           * Deep re-verify window while the feed is healthy: every function's aliases, mappings, permissions, tags and
           * concurrency (what no listing shows) are re-read once per window, spread evenly. Events cover them first.
           */
          detailRefreshSeconds: z.number().positive().default(604_800),
          /** `ListFunctions FunctionVersion=ALL` at least this often while the feed is healthy (sooner on AccountUsage). */
          allVersionsListSeconds: z.number().positive().default(86_400),
          /** ReceiveMessage long-poll wait. */
          waitTimeSeconds: z.number().int().min(0).max(20).default(20),
        })
        .prefault({}),
    })
    .prefault({}),
});
export type LambdaConfig = z.infer<typeof LambdaConfigSchema>;
