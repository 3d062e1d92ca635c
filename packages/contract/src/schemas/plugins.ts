import { z } from 'zod';
import type { components } from '../generated/openapi.js';
import type { Pinned } from './pin.js';

export const PluginReleaseSchema = z.object({
  version: z.string(),
  date: z.string(),
  requires: z.string(),
  url: z.string(),
  sha512sum: z.string(),
  preferred: z.boolean().optional(),
});

export const PluginInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  provider: z.string(),
  projectUrl: z.string().optional(),
  releases: z.array(PluginReleaseSchema),
});

export const AccountSummarySchema = z.object({
  name: z.string(),
  type: z.literal('aws'),
  cloudProvider: z.literal('aws'),
  accountId: z.string().optional(),
  environment: z.string().optional(),
  accountType: z.string().optional(),
  regions: z.array(z.object({ name: z.string() })),
  lambdaEnabled: z.boolean(),
  ecsEnabled: z.boolean(),
  awsAccount: z.string().optional(),
});

export type PluginRelease = components['schemas']['PluginRelease'];
export type PluginInfo = components['schemas']['PluginInfo'];
export type AccountSummary = components['schemas']['AccountSummary'];
const _pin1: Pinned<z.infer<typeof PluginReleaseSchema>, PluginRelease> = true;
const _pin2: Pinned<z.infer<typeof PluginInfoSchema>, PluginInfo> = true;
const _pin3: Pinned<z.infer<typeof AccountSummarySchema>, AccountSummary> = true;
void _pin1;
void _pin2;
void _pin3;
