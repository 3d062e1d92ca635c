import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import type { ContainerOverride, StageOverrides } from '../resolve/applyOverrides.js';
import { resolveTaskDefinition, type ResolveInput } from '../resolve/resolveTaskDefinition.js';
import { isRecord, type Finding } from '../resolve/types.js';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin?(): Promise<string>;
}

export const ECS_CLI_USAGE = `  outrigger render FILE [options]     render a task-definition artifact (JSON/YAML, any shape) to a RegisterTaskDefinition request
  outrigger validate FILE [options]   resolve and check it; prints findings with JSON pointers (exit 1 on errors)
    --image NAME=IMAGE            bind an image to a container (repeatable)
    --env [NAME:]KEY=VALUE        upsert an environment variable (all containers without NAME:)
    --secret [NAME:]KEY=ARN       upsert a secret
    --label [NAME:]KEY=VALUE      set a docker label
    --overlay FILE                JSON merge patch (JSON/YAML), applied in order; containerDefinitions may be keyed by name
    --keep-image NAME             let a container keep the image written in the artifact
    --task-role-arn ARN, --execution-role-arn ARN
    --cluster NAME --server-group NAME [--stack S] [--detail D]   inject Spinnaker's values (family, SERVER_GROUP, labels)
    --launch-type EC2|FARGATE, --network-mode MODE, --lb NAME:PORT (target-group wiring check), --subnets (awsvpc has subnets)
    --output FILE                 (render) write the task definition there instead of stdout
    --json                        (validate) print {ok, findings, report, images} as JSON
`;

class UsageError extends Error {}

/** `[container:]key=value`; the value keeps any further `=` (unlike render-task-definition's docker-labels input). */
function scoped(spec: string, flag: string): { container: string; key: string; value: string } {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new UsageError(`${flag}: expected [NAME:]KEY=VALUE, got "${spec}"`);
  const left = spec.slice(0, eq);
  const colon = left.indexOf(':');
  return colon > 0 ? { container: left.slice(0, colon), key: left.slice(colon + 1), value: spec.slice(eq + 1) } : { container: '*', key: left, value: spec.slice(eq + 1) };
}

async function readDoc(file: string, io: CliIo): Promise<string> {
  if (file === '-') {
    if (!io.readStdin) throw new UsageError('reading from stdin is not available');
    return io.readStdin();
  }
  return readFile(file, 'utf8');
}

function formatFinding(f: Finding): string {
  return `${f.severity.toUpperCase()} ${f.code} ${f.in}#${f.pointer || '/'}: ${f.message}`;
}

/** `outrigger render` / `outrigger validate`: the resolver on local files, as ecspresso `render`/`verify` users expect. */
export async function runEcsCommand(command: 'render' | 'validate', argv: string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        image: { type: 'string', multiple: true },
        env: { type: 'string', multiple: true },
        secret: { type: 'string', multiple: true },
        label: { type: 'string', multiple: true },
        overlay: { type: 'string', multiple: true },
        'keep-image': { type: 'string', multiple: true },
        'task-role-arn': { type: 'string' },
        'execution-role-arn': { type: 'string' },
        cluster: { type: 'string' },
        'server-group': { type: 'string' },
        stack: { type: 'string' },
        detail: { type: 'string' },
        'launch-type': { type: 'string' },
        'network-mode': { type: 'string' },
        lb: { type: 'string', multiple: true },
        subnets: { type: 'boolean' },
        output: { type: 'string', short: 'o' },
        json: { type: 'boolean' },
      },
    });
    if (positionals.length !== 1) throw new UsageError(`${command}: expected one artifact FILE (or - for stdin)`);
    const text = await readDoc(positionals[0]!, io);

    const containerToImageMap: Record<string, string> = {};
    for (const spec of values.image ?? []) {
      const eq = spec.indexOf('=');
      if (eq <= 0) throw new UsageError(`--image: expected NAME=IMAGE, got "${spec}"`);
      containerToImageMap[spec.slice(0, eq)] = spec.slice(eq + 1);
    }
    const containers: Record<string, ContainerOverride> = {};
    const add = (flag: 'env' | 'secret' | 'label', field: 'environment' | 'secrets' | 'dockerLabels') => {
      for (const spec of values[flag] ?? []) {
        const s = scoped(spec, `--${flag}`);
        ((containers[s.container] ??= {})[field] ??= {})[s.key] = s.value;
      }
    };
    add('env', 'environment');
    add('secret', 'secrets');
    add('label', 'dockerLabels');
    const overlays: Record<string, unknown>[] = [];
    for (const file of values.overlay ?? []) {
      const doc: unknown = parseYaml(await readFile(file, 'utf8'));
      if (!isRecord(doc)) throw new UsageError(`--overlay ${file}: expected an object`);
      overlays.push(doc);
    }
    const overrides: StageOverrides = {
      ...(Object.keys(containers).length ? { containers } : {}),
      ...(overlays.length ? { overlays } : {}),
      ...(values['task-role-arn'] ? { taskRoleArn: values['task-role-arn'] } : {}),
      ...(values['execution-role-arn'] ? { executionRoleArn: values['execution-role-arn'] } : {}),
    };
    if (Boolean(values.cluster) !== Boolean(values['server-group'])) throw new UsageError('--cluster and --server-group go together');
    const launchType = values['launch-type'];
    const input: ResolveInput = {
      artifact: text,
      images: { containerToImageMap, ...(values['keep-image'] ? { keepImage: values['keep-image'] } : {}) },
      overrides,
      ...(values.cluster && values['server-group']
        ? {
            serverGroup: {
              clusterName: values.cluster,
              serverGroupName: values['server-group'],
              ...(values.stack ? { stack: values.stack } : {}),
              ...(values.detail ? { detail: values.detail } : {}),
              ...(launchType ? { launchType } : {}),
              ...(values['network-mode'] ? { networkMode: values['network-mode'] } : {}),
            },
          }
        : {}),
      service: {
        ...(launchType ? { launchType } : {}),
        ...(values.subnets !== undefined || values['network-mode'] === 'awsvpc' ? { hasNetworkConfiguration: values.subnets === true } : {}),
        targetGroupMappings: (values.lb ?? []).map((spec) => {
          const [containerName, port] = spec.split(':');
          if (!containerName || !port || !/^\d+$/.test(port)) throw new UsageError(`--lb: expected NAME:PORT, got "${spec}"`);
          return { containerName, containerPort: Number(port), targetGroup: spec };
        }),
      },
    };
    const r = resolveTaskDefinition(input);
    if (command === 'validate' && values.json) {
      io.stdout(JSON.stringify({ ok: r.ok, findings: r.findings, report: r.report, images: r.images }, null, 2) + '\n');
      return r.ok ? 0 : 1;
    }
    for (const f of r.findings) io.stderr(formatFinding(f) + '\n');
    if (command === 'validate') {
      for (const e of r.report) io.stdout(`${e.action} ${e.pointer}${e.to !== undefined ? ` → ${e.to || '/'}` : ''} (${e.source}: ${e.reason})\n`);
      io.stdout(
        r.ok
          ? `OK: ${counted(r.taskDefinition?.containerDefinitions.length ?? 0, 'container')}, ${counted(r.findings.length, 'warning')}\n`
          : `FAILED: ${counted(r.findings.filter((f) => f.severity === 'error').length, 'error')}\n`,
      );
      return r.ok ? 0 : 1;
    }
    if (!r.ok || !r.taskDefinition) return 1;
    const json = JSON.stringify(r.taskDefinition, null, 2) + '\n';
    if (values.output) await writeFile(values.output, json);
    else io.stdout(json);
    return 0;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (err instanceof UsageError || e.code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`outrigger ${command}: ${e.message}\n\nusage:\n${ECS_CLI_USAGE}`);
      return 2;
    }
    if (e.code === 'ENOENT') {
      io.stderr(`outrigger ${command}: ${e.message}\n`);
      return 2;
    }
    throw err;
  }
}

/** "1 error", "2 errors". */
export function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
