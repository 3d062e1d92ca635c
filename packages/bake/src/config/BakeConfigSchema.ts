import { z } from 'zod';

/** Rosco's `baseImages[]` item (`aws.bakeryDefaults.baseImages`), pasted from rosco.yml. */
const BaseImageEntrySchema = z.object({
  baseImage: z.looseObject({
    id: z.string().min(1),
    shortDescription: z.string().optional(),
    detailedDescription: z.string().optional(),
    packageType: z.string().optional(),
    templateFile: z.string().optional(),
    osType: z.string().optional(),
    customRepository: z.string().optional(),
  }),
  virtualizationSettings: z
    .array(
      z.looseObject({
        region: z.string().min(1),
        virtualizationType: z.enum(['hvm', 'pv']).default('hvm'),
        instanceType: z.string().optional(),
        sourceAmi: z.string().optional(),
        mostRecent: z.boolean().optional(),
        sshUserName: z.string().optional(),
        winRmUserName: z.string().optional(),
        spotPrice: z.string().optional(),
        spotPriceAutoProduct: z.string().optional(),
      }),
    )
    .default([]),
});

export const AwsBakeryDefaultsSchema = z.looseObject({
  awsAccessKey: z.string().optional(),
  awsSecretKey: z.string().optional(),
  awsSubnetId: z.string().optional(),
  awsVpcId: z.string().optional(),
  awsAssociatePublicIpAddress: z.boolean().optional(),
  templateFile: z.string().default('aws-ebs.json'),
  defaultVirtualizationType: z.enum(['hvm', 'pv']).default('hvm'),
  maskedPackerParameters: z.array(z.string()).default([]),
  baseImages: z.array(BaseImageEntrySchema).default([]),
});

export const LocalBakeryDefaultsSchema = z.looseObject({
  templateFile: z.string().default('local.json'),
  baseImages: z
    .array(BaseImageEntrySchema)
    .default([
      {
        baseImage: { id: 'local', shortDescription: 'local demo image', detailedDescription: 'A file written by Packer on the outrigger host', packageType: 'deb', osType: 'linux' },
        virtualizationSettings: [],
      },
    ]),
});

/** The `bake:` section of outrigger's config. */
export const BakeConfigSchema = z.object({
  enabled: z.boolean().default(true),
  /** Packer processes at once; further bakes queue (reported RUNNING with a queue position). */
  maxConcurrentBakes: z.number().int().min(1).max(256).default(4),
  /** Bakes waiting for a Packer slot; a bake request beyond it is answered 429 with `Retry-After`. */
  maxQueuedBakes: z.number().int().min(1).max(100_000).default(100),
  /** Rosco's `configDir`: the operator's templates, var files and scripts (read on every bake, so edits apply without restart). */
  templatesDir: z.string().optional(),
  defaultCloudProviderType: z.enum(['aws', 'local']).default('aws'),
  packer: z
    .object({
      binary: z.string().default('packer'),
      additionalParameters: z.array(z.string()).default([]),
      /** Packer is cancelled after this long. */
      timeoutMinutes: z.number().positive().default(120),
      /** How often a running bake's output file is read. */
      pollMillis: z.number().int().min(20).max(60_000).default(250),
    })
    .default({ binary: 'packer', additionalParameters: [], timeoutMinutes: 120, pollMillis: 250 }),
  aws: z
    .object({
      enabled: z.boolean().default(true),
      /** Account used for image lookups, the reaper and retention when a request names none. */
      bakeAccount: z.string().optional(),
      /** Owners passed to `DescribeImages` when `base_ami` is a name pattern. */
      imageOwners: z.array(z.string()).default(['self', 'amazon']),
      /** Terminates builder instances and deletes key pairs tagged/named with the id of a bake that is no longer running. */
      reaper: z
        .object({ enabled: z.boolean().default(true), intervalMinutes: z.number().positive().default(10) })
        .default({ enabled: true, intervalMinutes: 10 }),
      bakeryDefaults: AwsBakeryDefaultsSchema.default(AwsBakeryDefaultsSchema.parse({})),
    })
    .default({ enabled: true, imageOwners: ['self', 'amazon'], reaper: { enabled: true, intervalMinutes: 10 }, bakeryDefaults: AwsBakeryDefaultsSchema.parse({}) }),
  /**
   * The cloud-free demo provider (Packer's file builder and shell-local on the outrigger host). On under embedded
   * defaults (no config file); with a config file only when `enabled: true` says so.
   */
  local: z
    .object({
      enabled: z.boolean().optional(),
      bakeryDefaults: LocalBakeryDefaultsSchema.default(LocalBakeryDefaultsSchema.parse({})),
    })
    .default({ bakeryDefaults: LocalBakeryDefaultsSchema.parse({}) }),
});

export type BakeConfig = z.infer<typeof BakeConfigSchema>;
export type BaseImageEntry = z.infer<typeof BaseImageEntrySchema>;
