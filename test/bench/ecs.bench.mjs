// ECS resolver benchmark: median time to resolve and validate a 10-container task-definition artifact with
// overlays, stage overrides, image bindings and injection (the pure core, no I/O). The resolver is bundled from
// source with esbuild (already installed for tsup) into a temp dir under .tsbuild/. No network; bounded to a few seconds.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ECR = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

function artifact() {
  return {
    family: 'big',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '4096',
    memory: '8192',
    executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
    containerDefinitions: Array.from({ length: 10 }, (_, n) => ({
      name: `c${n}`,
      image: n === 9 ? 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable' : 'PLACEHOLDER',
      essential: n === 0,
      portMappings: [{ containerPort: 8000 + n }],
      environment: Array.from({ length: 20 }, (_, e) => ({ name: `VAR_${e}`, value: `v${e}` })),
      secrets: [{ name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf' }],
      dockerLabels: { team: 'x' },
      logConfiguration:
        n === 9 ? { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/big' } } : { logDriver: 'awsfirelens', options: { Name: 'cloudwatch' } },
      ...(n === 9 ? { firelensConfiguration: { type: 'fluentbit' } } : {}),
    })),
  };
}

function input(text) {
  return {
    artifact: text,
    images: { containerToImageMap: Object.fromEntries(Array.from({ length: 9 }, (_, n) => [`c${n}`, `${ECR}/c${n}:1.${n}`])) },
    overrides: {
      overlays: [
        { cpu: '2048', containerDefinitions: { c0: { memoryReservation: 512 }, c3: { cpu: 256, dockerLabels: { tier: 'api' } } } },
        { containerDefinitions: { c1: { environment: [{ name: 'ONLY', value: '1' }] } } },
      ],
      containers: { '*': { environment: { ENV: 'prod', VAR_3: 'x' } }, c0: { secrets: { API_KEY: 'arn:aws:ssm:us-east-1:123456789012:parameter/k' } } },
      taskRoleArn: 'arn:aws:iam::123456789012:role/app',
    },
    serverGroup: { clusterName: 'big-prod', serverGroupName: 'big-prod-v012', stack: 'prod', launchType: 'FARGATE', networkMode: 'awsvpc' },
    service: { launchType: 'FARGATE', hasNetworkConfiguration: true, targetGroupMappings: [{ containerName: 'c0', containerPort: 8000, targetGroup: 'tg' }] },
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))];
};

export default async function ({ root }) {
  // Inside the repo (ignored build dir) so the bundle's `yaml` import resolves from node_modules.
  await mkdir(path.join(root, '.tsbuild'), { recursive: true });
  const dir = await mkdtemp(path.join(root, '.tsbuild', 'ecs-bench-'));
  const rows = [];
  try {
    const out = path.join(dir, 'ecs.mjs');
    await build({
      entryPoints: [path.join(root, 'packages/ecs/src/resolve/resolveTaskDefinition.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: out,
      packages: 'external',
      logLevel: 'silent',
      absWorkingDir: root,
    });
    const { resolveTaskDefinition } = await import(pathToFileURL(out).href);
    const text = JSON.stringify(artifact());
    const check = resolveTaskDefinition(input(text));
    if (!check.ok) throw new Error(`bench input does not resolve: ${JSON.stringify(check.findings.filter((f) => f.severity === 'error'))}`);

    for (let i = 0; i < 200; i++) resolveTaskDefinition(input(text)); // warm-up
    const times = [];
    const deadline = performance.now() + 3000;
    while (times.length < 2000 && performance.now() < deadline) {
      const t0 = performance.now();
      resolveTaskDefinition(input(text));
      times.push(performance.now() - t0);
    }
    rows.push({ name: 'ecs: resolve+validate 10-container artifact with overlays (median)', value: +median(times).toFixed(3), unit: 'ms', note: `${times.length} runs, JSON text in` });
    rows.push({ name: 'ecs: resolve+validate 10-container artifact with overlays (p95)', value: +pct(times, 0.95).toFixed(3), unit: 'ms' });

    const yamlText = (await import('yaml')).stringify(artifact());
    const ytimes = [];
    for (let i = 0; i < 300; i++) {
      const t0 = performance.now();
      resolveTaskDefinition(input(yamlText));
      ytimes.push(performance.now() - t0);
    }
    rows.push({ name: 'ecs: same, YAML artifact (median)', value: +median(ytimes).toFixed(3), unit: 'ms', note: '300 runs' });

  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}
