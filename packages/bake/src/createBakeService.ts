import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Artifact, Bake, BakeRequest, BakeStatus } from '@outrigger/contract';
import { InputError, NotFoundError, UpstreamError } from '@outrigger/runtime';
import type { BakeConfig } from './config/BakeConfigSchema.js';
import { buildPackerArgs, buildValidateArgs } from './packer/buildPackerArgs.js';
import { amazonImages, fileArtifacts, parseLine, parseMachineReadable, toLogText } from './packer/parseMachineReadable.js';
import { isPackerAlive, packerRunFiles, PackerUnavailableError, processGroupAlive, readExitCode, readOutput, signalPacker, startPacker, validateTemplate } from './packer/runPacker.js';
import { sha256 } from './recipe/bakeKey.js';
import { createRedactor, findSecrets } from './recipe/findSecrets.js';
import { resolveRecipe, type BakeProviderName, type Recipe, type RecipeDeps } from './recipe/resolveRecipe.js';
import type { BakeRecord, LogLine } from './store/BakeRecord.js';
import type { SqliteBakeStore } from './store/SqliteBakeStore.js';

/** How long a finished Packer run's processes may linger before the bake ends regardless. */
const GROUP_EXIT_GRACE_MS = 10_000;
/** How long Packer gets after SIGTERM before its process group is killed. */
const KILL_AFTER_MS = 60_000;

export interface BakeServiceDeps {
  config: BakeConfig;
  store: SqliteBakeStore;
  logger: Logger;
  dataDir: string;
  /** Operator's templates directory first, then the shipped one. */
  templateDirs: string[];
  findImageByName: RecipeDeps['findImageByName'];
  now?: () => number;
  /** Called with a bake id whenever a bake ends (tests, reaper). */
  onEnded?: (b: BakeRecord) => void;
}

export interface SubmitOptions {
  rebake: boolean;
  executionId?: string;
  user?: string;
}

export interface BakeService {
  instanceId: string;
  submit(region: string, request: BakeRequest, options: SubmitOptions): Promise<BakeStatus>;
  status(id: string): BakeStatus;
  bake(id: string, region: string): Bake;
  record(id: string): BakeRecord | undefined;
  logs(id: string, offset?: number, limit?: number): { lines: LogLine[]; complete: boolean };
  formatLine(l: LogLine): string;
  bakeForImage(region: string, imageId: string): string | undefined;
  cancel(id: string): string;
  forget(region: string, request: BakeRequest): Promise<string>;
  purgeExecutions(ids: string[]): void;
  incomplete(): BakeStatus[];
  /** Re-attaches to Packer runs left by an earlier process, then starts queued bakes. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Packer processes running now (bench/tests). */
  runningCount(): number;
  /** The template directory changed: forget cached `packer validate` results. */
  templatesChanged(file?: string): void;
}

/**
 * The bakery: dedupe by bake key, a durable queue with at most `maxConcurrentBakes` Packer processes, detached Packer
 * runs followed through their output file (so a restart re-attaches), logs and results in the store.
 */
export function createBakeService(deps: BakeServiceDeps): BakeService {
  const { config, store, logger } = deps;
  const now = deps.now ?? Date.now;
  const instanceId = `${randomUUID()}@${hostname()}`;
  const bakesDir = path.join(deps.dataDir, 'bakes');
  const validated = new Map<string, Promise<string | undefined>>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  /** When each bake's exit code was first seen while its process group still had live processes. */
  const exitSeenAt = new Map<string, number>();
  /** When each cancelled bake's process group was last signalled. */
  const signalledAt = new Map<string, number>();

  const recipeDeps: RecipeDeps = {
    config,
    templateDirs: deps.templateDirs,
    findBake: (id) => store.get(id),
    findImageByName: deps.findImageByName,
    now,
  };

  function toStatus(b: BakeRecord): BakeStatus {
    const pos = b.phase === 'queued' ? store.queuePosition(b.id) : undefined;
    return {
      id: b.id,
      state: b.state,
      ...(b.result ? { result: b.result } : {}),
      resource_id: b.id,
      ...(pos !== undefined ? { queue_position: pos } : {}),
      ...(b.message ? { message: b.message } : {}),
      created_timestamp: b.createdMs,
      updated_timestamp: b.updatedMs,
    };
  }

  function mustGet(id: string): BakeRecord {
    const b = store.get(id);
    // Rosco answers an unknown status id with a 400 (IllegalArgumentException), which fails Orca's MonitorBakeTask at
    // once; a 404 would keep the stage polling until its timeout.
    if (!b) throw new InputError(`Unable to retrieve status for '${id}'.`, { errors: [{ field: '$.path.statusId', message: 'no bake with this status id' }] });
    return b;
  }

  function redactorFor(b: BakeRecord) {
    return createRedactor(b.recipe.masked ?? []);
  }

  function log(b: BakeRecord, text: string): void {
    store.appendLog(b.id, [{ timestampMs: now(), text: redactorFor(b)(text) }], store.get(b.id)?.outOffset ?? b.outOffset);
  }

  /** Cached `packer validate` by template + var-file content (successes only; concurrent identical checks share one run). */
  async function validate(recipe: Recipe, privateVarFile: string): Promise<void> {
    const key = sha256(JSON.stringify([recipe.template, recipe.templateContent, recipe.varFileContents]));
    let p = validated.get(key);
    if (!p) {
      p = validateTemplate({
        binary: config.packer.binary,
        args: buildValidateArgs({ template: recipe.template, privateVarFile, varFiles: recipe.varFiles }),
        cwd: recipe.templateDir,
      });
      validated.set(key, p);
      void p.then((msg) => msg !== undefined && validated.delete(key), () => validated.delete(key));
    }
    let message: string | undefined;
    try {
      message = await p;
    } catch (err) {
      if (err instanceof PackerUnavailableError) throw new UpstreamError('packer', `${err.message}; install Packer or set bake.packer.binary`);
      throw err;
    }
    if (message !== undefined) {
      throw new InputError(`packer validate failed for ${path.basename(recipe.template)}: ${createRedactor(recipe.masked)(message)}`, {
        errors: [{ field: '$.body.template_file_name', message: 'the template does not validate' }],
      });
    }
  }

  function writeVarFile(runDir: string, variables: Record<string, string>): string {
    mkdirSync(runDir, { recursive: true, mode: 0o700 });
    const file = path.join(runDir, 'variables.json');
    writeFileSync(file, JSON.stringify(variables, null, 2), { mode: 0o600 });
    chmodSync(file, 0o600);
    return file;
  }

  async function submit(region: string, request: BakeRequest, options: SubmitOptions): Promise<BakeStatus> {
    const secrets = findSecrets(request);
    if (secrets.length) {
      throw new InputError('Bake request refused: it carries credentials, and secrets are never baked into images', {
        errors: secrets.map((s) => ({ field: s.field, message: `looks like ${s.kind}; pass it at boot time (instance role, secret store), not in the bake` })),
      });
    }
    const provider = providerFor(request);
    const id = randomUUID();
    const runDir = path.join(bakesDir, id);
    const recipe = await resolveRecipe(recipeDeps, { request, region, provider, bakeId: id, runDir });
    // Dedupe early: an identical running or successful bake is returned without validating again.
    if (!options.rebake) {
      const existing = store.findReusable(recipe.key);
      if (existing) return toStatus(existing);
    }
    const validateDir = path.join(bakesDir, '.validate', id);
    try {
      await validate(recipe, writeVarFile(validateDir, recipe.variables));
    } finally {
      rmSync(validateDir, { recursive: true, force: true });
    }
    // Synchronous from here: no other request can interleave between the lookup and the insert.
    if (!options.rebake) {
      const existing = store.findReusable(recipe.key);
      if (existing) return toStatus(existing);
    }
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
    store.insert(record);
    envByBake.set(id, recipe.env);
    log(record, `bake ${id} queued: template ${path.basename(recipe.template)}, base image ${recipe.baseImage}, image name ${recipe.imageName}${options.rebake ? ' (rebake)' : ''}`);
    pump();
    return toStatus(store.get(id)!);
  }

  function providerFor(request: BakeRequest): BakeProviderName {
    const p = request.cloud_provider_type ?? config.defaultCloudProviderType;
    if (p === 'aws' && config.aws.enabled) return 'aws';
    if (p === 'local' && config.local.enabled) return 'local';
    throw new InputError('Validation Failed', {
      errors: [{ field: '$.body.cloud_provider_type', message: `cloud provider ${p} is not enabled in outrigger's bakery (enabled: ${enabledProviders().join(', ')})` }],
    });
  }

  function enabledProviders(): string[] {
    return [...(config.aws.enabled ? ['aws'] : []), ...(config.local.enabled ? ['local'] : [])];
  }

  /** Credentials for Packer live only in memory; a bake re-launched after a restart re-reads them from config. */
  const envByBake = new Map<string, Record<string, string>>();

  function envFor(b: BakeRecord): Record<string, string> {
    const e = envByBake.get(b.id);
    if (e) return e;
    const aws = config.aws.bakeryDefaults;
    return b.provider === 'aws' && aws.awsAccessKey && aws.awsSecretKey ? { AWS_ACCESS_KEY_ID: aws.awsAccessKey, AWS_SECRET_ACCESS_KEY: aws.awsSecretKey } : {};
  }

  /** Starts queued bakes while fewer than `maxConcurrentBakes` Packer processes run. Synchronous. */
  function pump(): void {
    if (stopped) return;
    let running = store.listByPhase('running').length;
    for (const b of store.listByPhase('queued')) {
      if (running >= config.maxConcurrentBakes) break;
      launch(b);
      running++;
    }
    ensureTimer();
  }

  function launch(b: BakeRecord): void {
    try {
      const varFile = writeVarFile(b.runDir, b.recipe.variables);
      const args = buildPackerArgs({ template: b.recipe.template, privateVarFile: varFile, varFiles: b.recipe.varFiles, additionalParameters: config.packer.additionalParameters });
      const pid = startPacker({ binary: config.packer.binary, args, runDir: b.runDir, env: envFor(b) });
      const t = now();
      store.update({ ...b, phase: 'running', pid, startedMs: t, updatedMs: t });
      envByBake.delete(b.id);
      log(b, `packer started (pid ${pid}): packer ${args.map((a) => (a.startsWith('-var-file=') ? `-var-file=${path.basename(a.slice(10))}` : a)).join(' ')}`);
    } catch (err) {
      finish(b, { ok: false, message: `Packer could not be started: ${(err as Error).message}` });
    }
  }

  function ensureTimer(): void {
    if (timer || stopped) return;
    timer = setInterval(tick, config.packer.pollMillis);
  }

  /** Folds new output into the log; finishes bakes whose Packer ended. */
  function tick(): void {
    const running = store.listByPhase('running');
    for (const b of running) {
      try {
        follow(b);
      } catch (err) {
        logger.warn({ err, bakeId: b.id }, 'following a bake failed');
      }
    }
    if (!running.length && !store.listByPhase('queued').length && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  }

  function drainOutput(b: BakeRecord): BakeRecord {
    const redact = redactorFor(b);
    let offset = b.outOffset;
    for (;;) {
      const { lines, nextOffset } = readOutput(b.runDir, offset);
      if (nextOffset === offset) break;
      const out: { timestampMs: number; text: string }[] = [];
      for (const raw of lines) {
        const l = parseLine(raw);
        const text = l ? toLogText(l) : raw;
        // One stored line per printed line, so paging and timestamps stay line-based.
        for (const part of (text ?? '').split(/\r?\n/)) if (part.trim()) out.push({ timestampMs: l ? l.timestamp * 1000 : now(), text: redact(part) });
      }
      store.appendLog(b.id, out, nextOffset);
      offset = nextOffset;
    }
    return store.get(b.id) ?? b;
  }

  function follow(b0: BakeRecord): void {
    const exit0 = readExitCode(b0.runDir);
    const b = drainOutput(b0);
    const exit = exit0 ?? readExitCode(b.runDir);
    if (exit !== undefined && b.pid && processGroupAlive(b.pid)) {
      // Packer has exited; its plugins and the wrapper are finishing. The slot is free (and the bake ends) only once
      // the whole group is gone, so `maxConcurrentBakes` is a hard cap, unless something lingers past the grace time.
      const seen = exitSeenAt.get(b.id) ?? now();
      exitSeenAt.set(b.id, seen);
      if (now() - seen < GROUP_EXIT_GRACE_MS) return;
      logger.warn({ bakeId: b.id, pgid: b.pid }, 'processes of a finished Packer run are still alive; finishing the bake anyway');
    }
    if (exit !== undefined) {
      exitSeenAt.delete(b.id);
      signalledAt.delete(b.id);
      const finalB = drainOutput(b);
      const summary = parseMachineReadable(existsSync(packerRunFiles(b.runDir).out) ? readFileSync(packerRunFiles(b.runDir).out, 'utf8') : '');
      if (exit === 0 && !finalB.cancelRequested) {
        const images = amazonImages(summary.artifacts);
        const files = fileArtifacts(summary.artifacts);
        finish(finalB, { ok: true, images, files });
      } else {
        const why = finalB.cancelRequested
          ? (finalB.message ?? 'Canceled by request.')
          : `Packer exited with code ${exit}${summary.errors.length ? `: ${summary.errors.join('; ')}` : ''}`;
        // Packer's own stderr (crashes, plugin failures) is not machine-readable; keep its tail in the log.
        const errFile = packerRunFiles(b.runDir).err;
        if (!finalB.cancelRequested && existsSync(errFile)) {
          for (const line of readFileSync(errFile, 'utf8').split('\n').filter((l) => l.trim()).slice(-20)) log(finalB, `packer stderr: ${line}`);
        }
        finish(finalB, { ok: false, message: redactorFor(b)(why) });
      }
      return;
    }
    if (!b.pid || !isPackerAlive(b.pid, b.runDir)) {
      if (readExitCode(b.runDir) !== undefined) return; // ended between the checks; next tick finishes it
      signalledAt.delete(b.id);
      const message = b.cancelRequested
        ? `${b.message ?? 'Canceled by request.'} Packer was killed before it could clean up.`
        : 'Packer is no longer running and left no exit code (it was killed, or died while outrigger was down); the bake did not finish.';
      finish(b, { ok: false, message });
      return;
    }
    if (b.cancelRequested) {
      // SIGTERM once (again after a restart); SIGKILL the group if Packer has not stopped a minute later.
      const at = signalledAt.get(b.id);
      if (at === undefined) {
        signalledAt.set(b.id, now());
        signalPacker(b.pid);
      } else if (now() - at > KILL_AFTER_MS) {
        log(b, `Packer did not stop within ${KILL_AFTER_MS / 1000} s of SIGTERM; sending SIGKILL to its process group`);
        signalPacker(b.pid, 'SIGKILL');
        signalledAt.set(b.id, now());
      }
      return;
    }
    const limit = (b.startedMs ?? b.createdMs) + config.packer.timeoutMinutes * 60_000;
    if (now() > limit) {
      const message = `Packer ran longer than bake.packer.timeoutMinutes (${config.packer.timeoutMinutes}) and was cancelled.`;
      store.update({ ...b, cancelRequested: true, message, updatedMs: now() });
      log(b, `bake exceeded bake.packer.timeoutMinutes (${config.packer.timeoutMinutes}); cancelling Packer`);
      signalledAt.set(b.id, now());
      signalPacker(b.pid);
    }
  }

  function finish(b: BakeRecord, outcome: { ok: true; images: { region: string; imageId: string }[]; files: string[] } | { ok: false; message: string }): void {
    const t = now();
    const cur = store.get(b.id) ?? b;
    const next: BakeRecord = outcome.ok
      ? { ...cur, state: 'COMPLETED', result: 'SUCCESS', phase: 'done', images: outcome.images, files: outcome.files, updatedMs: t, endedMs: t }
      : { ...cur, state: 'CANCELED', result: 'FAILURE', phase: 'done', message: outcome.message, updatedMs: t, endedMs: t };
    store.update(next);
    if (outcome.ok) {
      store.indexImages(b.id, [
        ...outcome.images,
        ...(outcome.images.length ? [] : [{ region: b.region, imageId: next.imageName ?? b.id }]),
      ]);
      log(next, `bake ${b.id} completed: ${outcome.images.map((i) => `${i.region}: ${i.imageId}`).join(', ') || outcome.files.join(', ') || 'no image'}`);
    } else {
      log(next, `bake ${b.id} failed: ${outcome.message}`);
    }
    // The private var-file and Packer's raw (unredacted) output are not kept once the bake has ended; the redacted
    // log and the results are in the store.
    const files = packerRunFiles(b.runDir);
    for (const f of [path.join(b.runDir, 'variables.json'), files.out, files.err]) rmSync(f, { force: true });
    deps.onEnded?.(next);
    pump();
  }

  function artifactsOf(b: BakeRecord): Artifact[] {
    const metadata = b.recipe.artifactMetadata;
    if (b.provider === 'aws') {
      return b.images.map((i) => ({ type: 'aws/image', name: b.imageName ?? '', location: i.region, reference: i.imageId, uuid: b.id, metadata }));
    }
    return [{ type: 'local/image', name: b.imageName ?? '', location: b.region, reference: b.files[0] ?? b.imageName ?? b.id, uuid: b.id, metadata }];
  }

  return {
    instanceId,
    submit,
    status: (id) => toStatus(mustGet(id)),
    record: (id) => store.get(id),
    bake(id, region) {
      const b = store.get(id);
      if (!b || b.state !== 'COMPLETED' || b.result !== 'SUCCESS') throw new NotFoundError(`Unable to retrieve bake details for '${id}'.`);
      const artifacts = artifactsOf(b);
      const artifact = artifacts.find((a) => a.location === region) ?? artifacts.find((a) => a.location === b.region) ?? artifacts[0];
      return {
        id: b.id,
        ...(b.provider === 'aws' && artifact?.reference ? { ami: artifact.reference } : {}),
        ...(b.imageName ? { image_name: b.imageName } : {}),
        ...(b.baseImage ? { base_ami: b.baseImage } : {}),
        regions: b.provider === 'aws' ? b.images.map((i) => i.region) : [b.region],
        ...(artifact ? { artifact } : {}),
        artifacts,
      };
    },
    logs(id, offset = 0, limit) {
      const b = store.get(id);
      if (!b || !store.hasLog(id)) throw new NotFoundError('Logs not found.');
      return { lines: store.readLog(id, offset, limit), complete: b.state !== 'RUNNING' };
    },
    formatLine: (l) => `${new Date(l.timestampMs).toISOString()} ${l.text}`,
    bakeForImage: (region, imageId) => store.bakeForImage(region, imageId),
    cancel(id) {
      const b = mustGet(id);
      if (b.state !== 'RUNNING') throw new InputError(`Unable to cancel bake '${id}': it is not running (state ${b.state}).`);
      if (b.phase === 'queued') {
        store.update({ ...b, cancelRequested: true });
        finish(b, { ok: false, message: 'Canceled by request before Packer started.' });
      } else {
        store.update({ ...b, cancelRequested: true, message: 'Canceled by request.', updatedMs: now() });
        log(b, 'cancel requested: signalling Packer');
        if (b.pid) {
          signalledAt.set(b.id, now());
          signalPacker(b.pid);
        }
      }
      return `Canceled bake '${id}'.`;
    },
    async forget(region, request) {
      const provider = providerFor(request);
      const recipe = await resolveRecipe(recipeDeps, { request, region, provider, bakeId: 'forget', runDir: path.join(bakesDir, 'forget') });
      const b = store.findLatest(recipe.key);
      if (!b) throw new NotFoundError(`Unable to locate bake with key '${recipe.key}'.`);
      store.update({ ...b, forgotten: true, updatedMs: now() });
      return `Deleted bake '${recipe.key}' with id '${b.id}'.`;
    },
    purgeExecutions(ids) {
      for (const e of ids) {
        for (const b of store.listByExecution(e)) {
          if (b.state === 'RUNNING') store.update({ ...b, forgotten: true, updatedMs: now() });
          else {
            store.delete(b.id);
            rmSync(b.runDir, { recursive: true, force: true });
          }
        }
      }
    },
    incomplete: () => store.listIncomplete().map(toStatus),
    async start() {
      stopped = false;
      rmSync(path.join(bakesDir, '.validate'), { recursive: true, force: true });
      for (const b of store.listByPhase('running')) {
        logger.info({ bakeId: b.id, pid: b.pid }, 're-attaching to a Packer run started before this process');
        log(b, `outrigger restarted; re-attaching to Packer (pid ${b.pid ?? 'unknown'})`);
      }
      tick();
      pump();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
    },
    runningCount: () => store.listByPhase('running').length,
    templatesChanged(file) {
      validated.clear();
      logger.info({ file }, 'template directory changed; templates are re-read and re-validated on the next bake');
    },
  };
}

