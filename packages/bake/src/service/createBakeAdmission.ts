import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { BakeRequest, BakeStatus } from '@outrigger/contract';
import { InputError, NotFoundError, TooManyRequestsError } from '@outrigger/runtime';
import type { BakeConfig } from '../config/BakeConfigSchema.js';
import { findSecrets } from '../recipe/findSecrets.js';
import { reservedVariableErrors } from '../recipe/reservedVariables.js';
import { resolveRecipe, type RecipeDeps } from '../recipe/resolveRecipe.js';
import type { BakeRecord } from '../store/BakeRecord.js';
import type { BakeStore } from '../store/BakeStore.js';
import type { BakeQueue } from './createBakeQueue.js';
import type { PackerIdentity } from './createPackerIdentity.js';
import type { ValidationCache } from './createValidationCache.js';
import { providerFor } from './enabledProviders.js';
import { writeVarFile } from './writeVarFile.js';

export interface SubmitOptions {
  rebake: boolean;
  executionId?: string;
  user?: string;
}

/** What a bake request must pass before it is queued: secrets, provider, recipe, dedupe, `packer validate`. */
export interface BakeAdmission {
  /** The bake this request names: an identical running or successful one, or a new queued one. */
  submit(region: string, request: BakeRequest, options: SubmitOptions): Promise<BakeRecord>;
  /** Rosco's `DELETE /bake`: the newest bake with this request's key is no longer reused. */
  forget(region: string, request: BakeRequest): Promise<string>;
}

/** What a client is told to wait when the queue is full (Orca's CreateBakeTask retries every 30 s). */
export const QUEUE_FULL_RETRY_AFTER_SECONDS = 30;

export function createBakeAdmission(deps: {
  config: BakeConfig;
  store: BakeStore;
  queue: BakeQueue;
  validation: ValidationCache;
  identity: PackerIdentity;
  recipeDeps: RecipeDeps;
  bakesDir: string;
  now: () => number;
}): BakeAdmission {
  const { config, store, queue, validation, identity, recipeDeps, bakesDir, now } = deps;

  /**
   * The bake this request gets without starting one: an identical running or successful bake; for `rebake=1`, only
   * an identical bake the same pipeline execution already started and is still running (Orca retries its POST, and
   * one execution asking again must not queue the same rebake twice).
   */
  async function reusable(key: string, options: SubmitOptions): Promise<BakeRecord | undefined> {
    if (!options.rebake) return store.findReusable(key);
    if (!options.executionId) return undefined;
    return (await store.listByExecution(options.executionId)).find((b) => b.bakeKey === key && b.state === 'RUNNING' && !b.forgotten);
  }

  /** The queue this process runs is bounded (with several replicas, each replica's). */
  async function refuseWhenFull(): Promise<void> {
    const queued = (await store.listByPhase('queued')).length;
    if (queued >= config.maxQueuedBakes) {
      throw new TooManyRequestsError(
        `The bake queue is full (${queued} bakes wait for a Packer slot; bake.maxQueuedBakes is ${config.maxQueuedBakes}). Retry later.`,
        QUEUE_FULL_RETRY_AFTER_SECONDS,
      );
    }
  }

  return {
    async submit(region, request, options) {
      const provider = providerFor(config, request);
      const secrets = await findSecrets(request);
      if (secrets.length) {
        throw new InputError('Bake request refused: it carries credentials, and secrets are never baked into images', {
          errors: secrets.map((s) => ({ field: s.field, message: `looks like ${s.kind}; pass it at boot time (instance role, secret store), not in the bake` })),
        });
      }
      // After the secret check: a reserved name with a credential in it is refused as a credential, name unechoed.
      const reserved = reservedVariableErrors(provider, request);
      if (reserved.length) throw new InputError('Validation Failed', { errors: reserved });
      const id = randomUUID();
      const runDir = path.join(bakesDir, id);
      const recipe = await resolveRecipe(recipeDeps, { request, region, provider, bakeId: id, runDir });
      // Dedupe early: an identical running or successful bake is returned without validating again.
      const early = await reusable(recipe.key, options);
      if (early) return early;
      await refuseWhenFull();
      const validateDir = path.join(bakesDir, '.validate', id);
      try {
        await validation.validate(recipe, writeVarFile(validateDir, recipe.variables));
      } finally {
        rmSync(validateDir, { recursive: true, force: true });
      }
      // A successful bake may have finished meanwhile; a live one is refused by the store itself (across replicas).
      const existing = await reusable(recipe.key, options);
      if (existing) return existing;
      await refuseWhenFull();
      const t = now();
      const record: BakeRecord = {
        id,
        bakeKey: recipe.key,
        region,
        provider,
        state: 'RUNNING',
        phase: 'queued',
        ...(options.executionId ? { executionId: options.executionId } : {}),
        ...(options.user ? { user: options.user } : {}),
        recipe: {
          template: recipe.template,
          varFiles: recipe.varFiles,
          variables: recipe.variables,
          imageName: recipe.imageName,
          baseImage: recipe.baseImage,
          application: recipe.application,
          artifactMetadata: recipe.artifactMetadata,
          masked: recipe.masked,
          ...(recipe.account ? { account: recipe.account } : {}),
        },
        runDir,
        cancelRequested: false,
        outOffset: 0,
        imageName: recipe.imageName,
        baseImage: recipe.baseImage,
        images: [],
        files: [],
        forgotten: false,
        createdMs: t,
        updatedMs: t,
      };
      identity.remember(id, recipe.env);
      const { bake, created } = await queue.enqueue(
        record,
        `bake ${id} queued: template ${path.basename(recipe.template)}, base image ${recipe.baseImage}, image name ${recipe.imageName}${options.rebake ? ' (rebake)' : ''}`,
        { dedupe: !options.rebake },
      );
      if (!created) {
        identity.forget(id);
        return bake;
      }
      return (await store.get(id)) ?? bake;
    },
    async forget(region, request) {
      const provider = providerFor(config, request);
      const recipe = await resolveRecipe(recipeDeps, { request, region, provider, bakeId: 'forget', runDir: path.join(bakesDir, 'forget') });
      const b = await store.findLatest(recipe.key);
      if (!b) throw new NotFoundError(`Unable to locate bake with key '${recipe.key}'.`);
      await store.update({ ...b, forgotten: true, updatedMs: now() });
      return `Deleted bake '${recipe.key}' with id '${b.id}'.`;
    },
  };
}
