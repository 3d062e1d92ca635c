// outrigger's Deck plugin in real Chromium with the real @spinnaker/core, loaded the way Deck loads plugins: a
// running outrigger serves the plugin repository (plugins.json + deck.zip); a Gate stand-in reads it as Gate's
// deck-proxy does and proxies the forms' calls; the harness page loads the manifest and the bundle through core's own
// PluginRegistry (native import()). For every stage: render its config, type into its fields, see the stage JSON
// change and the validators fire; render its execution details from a real task of that outrigger; screenshot.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApp, ConfigSchema, createAwsClientFactory, createLogger, type Composed } from '@outrigger/runtime';
import { createEcsProvider } from '@outrigger/ecs';
import { createLambdaProvider } from '@outrigger/lambda';
import { createBakeProvider } from '@outrigger/bake';
import { createPluginRepositoryProvider } from '@outrigger/server';
import { deckPluginId, deckPluginVersion, stageDefinitions } from '@outrigger/deck-plugin/stages';
import { orcaWebhook } from '@outrigger/deck-plugin/kit';
import { FakeAws } from '../../packages/ecs/src/__fixtures__/FakeAws.js';
import { registerRequest } from '../../packages/ecs/src/__fixtures__/taskDefinitions.js';
import { FakeLambda } from '../../packages/lambda/src/__fixtures__/FakeLambda.js';
import { FakeEC2 } from '../../packages/bake/src/__fixtures__/FakeEC2.js';
import { buildHarness, harnessHtml } from './buildHarness.js';
import { startGateStandIn, type GateStandIn } from './gateStandIn.js';
import { runPreconfiguredWebhook } from './orcaWebhook.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const screenshots = path.join(import.meta.dirname, 'screenshots');
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');

let work: string;
let outrigger: { composed: Composed; url: string; close(): Promise<void> };
let gate: GateStandIn;
let context: BrowserContext;
let page: Page;
let manifest: unknown;
const fakeAws = new FakeAws();
const fakeLambda = new FakeLambda();
const fakeEc2 = new FakeEC2();
const EC2_IMAGE_COMMANDS = /^(DescribeImages|DeregisterImage|DeleteSnapshot|DescribeInstances|DescribeLaunchTemplates|DescribeLaunchTemplateVersions)Command$/;

async function startOutrigger() {
  const config = ConfigSchema.parse({
    dataDir: path.join(work, 'data'),
    storage: { type: 'sqlite' },
    logging: { level: 'silent' },
    aws: {
      accounts: [
        { name: 'prod', accountId: '123456789012', regions: ['us-east-1', 'eu-west-1'], lambdaEnabled: true },
        { name: 'sandbox', accountId: '210987654321', regions: ['us-west-2'], lambdaEnabled: false },
      ],
    },
    // ECS accounts as clouddriver lists them: both AWS accounts are also ECS accounts of the same name, and
    // ecs-sandbox is an ECS account of its own using sandbox's credentials.
    ecs: { accounts: [{ name: 'prod', awsAccount: 'prod' }, { name: 'sandbox', awsAccount: 'sandbox' }, { name: 'ecs-sandbox', awsAccount: 'sandbox' }] },
  });
  // AWS is faked at the SDK client boundary only: Lambda from FakeLambda, EC2 images from FakeEC2, the rest from FakeAws.
  const aws = createAwsClientFactory({
    config,
    makeClient: (cls) =>
      ({
        send: (cmd: any, o?: any) =>
          cls.name === 'LambdaClient' ? fakeLambda.send(cmd, o) : cls.name === 'EC2Client' && EC2_IMAGE_COMMANDS.test(cmd.constructor.name) ? fakeEc2.send(cmd) : fakeAws.send(cls.name, cmd),
      }) as never,
  });
  let clock = Date.UTC(2026, 0, 1);
  const composed = await composeApp({
    config,
    logger: createLogger({ level: 'silent' }),
    aws,
    providers: [(deps) => createEcsProvider(deps, { sleep: async () => {}, now: () => (clock += 60_000) }), createLambdaProvider, createBakeProvider, (deps) => createPluginRepositoryProvider(deps)],
  });
  const server = composed.app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await composed.start({ baseUrl: url });
  return {
    composed,
    url,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await composed.close();
    },
  };
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'outrigger-deck-'));
  mkdirSync(screenshots, { recursive: true });
  outrigger = await startOutrigger();
  await buildHarness(path.join(work, 'static'));
  gate = await startGateStandIn({
    repositoryUrl: `${outrigger.url}/plugins/repository/plugins.json`,
    proxies: { outrigger: outrigger.url },
    staticDir: path.join(work, 'static'),
    indexHtml: harnessHtml,
  });
  context = await chromium.launchPersistentContext(path.join(work, 'chromium-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage'],
    viewport: { width: 1200, height: 900 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(gate.url + '/');
  await page.waitForFunction(() => (globalThis as any).harnessReady === true, null, { timeout: 60_000 });
  manifest = await page.evaluate(() => (globalThis as any).harness.loadPlugins());
}, 180_000);

afterAll(async () => {
  await context?.close();
  await gate?.close();
  await outrigger?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('loading the plugin as Deck does', () => {
  it("core's PluginRegistry reads the manifest through Gate and imports the bundle outrigger serves", async () => {
    expect(gate.plugins.map((p) => [p.id, p.version, Object.keys(p.files).sort()])).toEqual([[deckPluginId, deckPluginVersion, ['index.js', 'index.js.map']]]);
    expect(manifest).toEqual([{ id: deckPluginId, version: deckPluginVersion }]);
    const types = await page.evaluate(() => (globalThis as any).harness.stageTypes());
    for (const def of stageDefinitions) expect(types).toContainEqual({ key: def.key, label: def.label, alias: 'preconfiguredWebhook', cloudProvider: 'aws' });
    expect(await page.evaluate(() => (globalThis as any).harness.errors)).toEqual([]);
  });
});

describe("Deck's stage picker", () => {
  it('lists each outrigger stage once, though Deck also registers a generic form for every preconfigured webhook', async () => {
    // Gate answers /webhooks/preconfigured after the plugin loaded: Orca's entries for outrigger's stages plus one of someone else's.
    const webhooks = [...stageDefinitions.map((d) => orcaWebhook(d)), { type: 'someoneElsesWebhook', label: 'Someone else', description: 'x', parameters: [] }];
    await page.evaluate((w) => (globalThis as any).harness.registerPreconfiguredWebhooks(w), webhooks);
    const picker: { key: string; label: string }[] = await page.evaluate(() => (globalThis as any).harness.configurableStageTypes([{ name: 'prod', cloudProvider: 'aws', type: 'aws' }]));
    for (const d of stageDefinitions) expect(picker.filter((t) => t.key === d.key)).toEqual([expect.objectContaining({ key: d.key, label: d.label, cloudProvider: 'aws' })]);
    expect(picker.filter((t) => t.key === 'someoneElsesWebhook')).toHaveLength(1);
    const chosen = await page.evaluate((k) => (globalThis as any).harness.newStage(k), stageDefinitions[0]!.key);
    expect(chosen).toMatchObject({ type: stageDefinitions[0]!.key, alias: 'preconfiguredWebhook', name: stageDefinitions[0]!.label });
    expect(await page.evaluate(() => (globalThis as any).harness.errors)).toEqual([]);
  });
});

const def = (key: string) => stageDefinitions.find((d) => d.key === key)!;
const harness = <T>(fn: string, ...args: unknown[]) => page.evaluate(([f, a]) => (globalThis as any).harness[f as string](...(a as unknown[])), [fn, args] as const) as Promise<T>;
const stageJson = () => page.evaluate(() => (globalThis as any).harness.stage) as Promise<any>;

async function openStage(key: string) {
  await page.evaluate((k) => {
    const h = (globalThis as any).harness;
    h.renderConfig(k, h.newStage(k));
  }, key);
  await page.locator(`.outrigger-${key}`).waitFor();
}

/** react-select v1, as Deck's ReactSelectInput renders it: open the control, type to filter, click the option. */
async function pick(name: string, option: string) {
  const select = page.locator(`.outrigger-field[data-param="${name}"] .Select`);
  await select.locator('.Select-control').click();
  await select.locator('.Select-input input').fill(option);
  await page.locator('.Select-option', { hasText: new RegExp(`^${option.replace(/[$]/g, '\\$')}$`) }).first().click();
}

async function options(name: string): Promise<string[]> {
  const select = page.locator(`.outrigger-field[data-param="${name}"] .Select`);
  await select.locator('.Select-control').click();
  const texts = await page.locator('.Select-option').allTextContents();
  await page.keyboard.press('Escape');
  return texts;
}

async function typeInto(name: string, value: string) {
  const field = page.locator(`[name="parameterValues.${name}"]`);
  await field.fill(value);
  await field.press('Tab');
}

async function shot(name: string) {
  await page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });
}

async function showDetails(key: string, values: Record<string, unknown>) {
  const run = await runPreconfiguredWebhook(def(key), outrigger.url, values);
  const stage = { id: 's1', refId: '1', type: key, name: def(key).label, status: run.status, context: { parameterValues: values, webhook: run.webhook }, tasks: [] };
  await page.evaluate((s) => (globalThis as any).harness.renderDetails(s), stage);
  await page.locator(`.outrigger-details-${key}`).waitFor();
  return run;
}

describe('ECS: render and preview (outriggerEcsRender)', () => {
  const taskDefinition = { ...registerRequest, containerDefinitions: [{ name: 'web', image: 'PLACEHOLDER', essential: true, portMappings: [{ containerPort: 8080 }] }, { name: 'sidecar', image: 'PLACEHOLDER', essential: false }] };
  const artifact = JSON.stringify({ type: 'embedded/base64', name: 'td.json', reference: b64(taskDefinition) });

  it('renders its form with outrigger accounts and regions; typing updates the stage; validators fire', async () => {
    await openStage('outriggerEcsRender');
    let stage = await stageJson();
    expect(stage).toMatchObject({ type: 'outriggerEcsRender', alias: 'preconfiguredWebhook', parameterValues: { failOnError: 'true', containerToImageMap: '{}' } });
    expect(await harness<string[]>('requiredFieldsMissing', stage)).toEqual(['parameterValues.account', 'parameterValues.region', 'parameterValues.ecsClusterName']);

    expect(await options('account')).toEqual(['prod', 'sandbox', 'ecs-sandbox']);
    await pick('account', 'prod');
    expect(await options('region')).toEqual(['us-east-1', 'eu-west-1']);
    await pick('region', 'us-east-1');
    await typeInto('stack', 'prod');
    await typeInto('ecsClusterName', 'main');
    stage = await stageJson();
    expect(stage.parameterValues).toMatchObject({ account: 'prod', region: 'us-east-1', stack: 'prod', ecsClusterName: 'main' });

    // Required field emptied: the form says so.
    await typeInto('ecsClusterName', '');
    await expect.poll(() => page.locator('.outrigger-outriggerEcsRender').textContent()).toContain('ECS cluster is required.');
    await typeInto('ecsClusterName', 'main');
    // Not JSON: the artifact field says so.
    await typeInto('artifact', '{"type": ');
    await expect.poll(() => page.locator('.outrigger-outriggerEcsRender').textContent()).toMatch(/Task definition artifact: Not valid JSON/);
    await typeInto('artifact', artifact);

    // The container → image table writes the map as JSON and shows the preview's findings per container.
    await page.locator('.outrigger-image-map .add-container').click();
    await page.locator('input[name="container-0"]').fill('web');
    await page.locator('input[name="image-0"]').fill('123456789012.dkr.ecr.us-east-1.amazonaws.com/web:2.0.0');
    stage = await stageJson();
    expect(JSON.parse(stage.parameterValues.containerToImageMap)).toEqual({ web: '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:2.0.0' });
    await page.locator('.preview-render').click();
    await expect.poll(() => page.locator('.outrigger-image-map').textContent()).toMatch(/no findings|error|warning/);
    const other = await page.locator('.outrigger-other-findings').textContent().catch(() => '');
    expect(other).toContain('sidecar'); // the unmapped placeholder image is a finding on the sidecar container
    expect(await harness<string[]>('requiredFieldsMissing', await stageJson())).toEqual([]);
    await shot('outriggerEcsRender-config');
  });

  it('execution details: images with findings inline, the diff and the artifacts of a real render', async () => {
    const values = (await stageJson()).parameterValues;
    const images = { ...JSON.parse(values.containerToImageMap), sidecar: 'public.ecr.aws/envoy:1.30' };
    fakeAws.seedService('myapp-prod-v001', { desired: 1, image: 'web:1.0.0' }); // the running server group the render is diffed against
    const run = await showDetails('outriggerEcsRender', { ...values, containerToImageMap: JSON.stringify(images) });
    expect(run.webhook.statusCode).toBe(200);
    expect(run.webhook.body.ok).toBe(true);
    const text = await page.locator('.outrigger-details').textContent();
    expect(text).toContain('web');
    expect(text).toContain('123456789012.dkr.ecr.us-east-1.amazonaws.com/web:2.0.0');
    expect(text).toContain('public.ecr.aws/envoy:1.30');
    expect(text).toContain('http/file');
    expect(text).toContain(run.webhook.body.url);
    expect(text).toMatch(/Diff/);
    await shot('outriggerEcsRender-details');
  });
});

describe('ECS: deploy (outriggerEcsDeploy)', () => {
  const artifact = JSON.stringify({ type: 'embedded/base64', name: 'td.json', reference: b64({ ...registerRequest, containerDefinitions: [{ name: 'web', image: 'PLACEHOLDER', essential: true }] }) });

  it('renders its form; typing, picking and the subnet list update the stage; validators fire', async () => {
    await openStage('outriggerEcsDeploy');
    expect((await stageJson()).parameterValues).toMatchObject({ strategy: 'redblack', launchType: 'FARGATE', maxWaitSeconds: 900 });
    await pick('account', 'prod');
    await pick('region', 'us-east-1');
    await typeInto('stack', 'prod');
    await typeInto('ecsClusterName', 'main');
    await pick('strategy', 'highlander');
    await typeInto('artifact', artifact);
    await page.locator('.outrigger-image-map .add-container').click();
    await page.locator('input[name="container-0"]').fill('web');
    await page.locator('input[name="image-0"]').fill('123456789012.dkr.ecr.us-east-1.amazonaws.com/web:3.0.0');
    await page.locator('.outrigger-field[data-param="subnetIds"] .add-item').click();
    await page.locator('input[name="parameterValues.subnetIds-0"]').fill('subnet-1');
    await typeInto('maxWaitSeconds', '0');
    await expect.poll(() => page.locator('.outrigger-outriggerEcsDeploy').textContent()).toContain('Wait for healthy (s) must be at least 1.');
    await typeInto('maxWaitSeconds', '600');
    await typeInto('capacity', '{"min": 1, "max": 2');
    await expect.poll(() => page.locator('.outrigger-outriggerEcsDeploy').textContent()).toMatch(/Capacity: Not valid JSON/);
    await typeInto('capacity', '{"min": 1, "max": 2, "desired": 1}');
    const stage = await stageJson();
    expect(stage.parameterValues).toMatchObject({ account: 'prod', region: 'us-east-1', strategy: 'highlander', ecsClusterName: 'main', subnetIds: '["subnet-1"]', capacity: '{"min": 1, "max": 2, "desired": 1}' });
    expect(Number(stage.parameterValues.maxWaitSeconds)).toBe(600);
    expect(await harness<string[]>('requiredFieldsMissing', stage)).toEqual([]);
    await shot('outriggerEcsDeploy-config');
  });

  it('execution details: status, progress message, the task history read from outrigger, the result', async () => {
    fakeAws.seedService('myapp-prod-v002', { desired: 1 });
    const run = await showDetails('outriggerEcsDeploy', (await stageJson()).parameterValues);
    expect(run.status, JSON.stringify(run.webhook)).toBe('SUCCEEDED');
    await page.locator('.outrigger-task-history tbody tr').first().waitFor();
    const text = await page.locator('.outrigger-details').textContent();
    expect(text).toContain('SUCCEEDED');
    expect(text).toContain(run.webhook.monitor!.progressMessage!);
    const task = (await (await fetch(`${outrigger.url}/task/${run.webhook.body.id}`)).json()) as { history: { status: string }[] };
    expect(await page.locator('.outrigger-task-history tbody tr').count()).toBe(task.history.length);
    for (const h of task.history.slice(0, 3)) expect(text).toContain(h.status);
    expect(text).toContain('myapp-prod-v003');
    await shot('outriggerEcsDeploy-details');
  });
});

describe('Lambda: progressive rollout (outriggerLambdaProgressive)', () => {
  it('renders its form; a Custom plan shows the traffic steps; steps and alarms update the stage; validators fire', async () => {
    await openStage('outriggerLambdaProgressive');
    // Only Lambda-enabled accounts are offered.
    expect(await options('account')).toEqual(['prod']);
    await pick('account', 'prod');
    await pick('region', 'us-east-1');
    await typeInto('functionName', 'orders');
    expect(await page.locator('.outrigger-field[data-param="steps"]').count()).toBe(0);
    await pick('deploymentType', 'Custom');
    await page.locator('.outrigger-field[data-param="steps"]').waitFor();
    // The default custom plan: 10 % for 300 s, then 100 %. Make it 10 → 50 → 100, first without a bake time.
    await page.locator('.outrigger-steps .add-step').click();
    await page.locator('input[name="weight-1"]').fill('50');
    await page.locator('input[name="bake-1"]').fill('');
    await expect.poll(() => page.locator('.outrigger-outriggerLambdaProgressive').textContent()).toContain('Traffic steps: step 2 needs a bake time in seconds.');
    await page.locator('input[name="bake-1"]').fill('120');
    await page.locator('input[name="bake-2"]').fill('60');
    await page.locator('input[name="weight-2"]').fill('80');
    await expect.poll(() => page.locator('.outrigger-outriggerLambdaProgressive').textContent()).toContain('Traffic steps: the last step must be 100.');
    await page.locator('input[name="weight-2"]').fill('100');
    await page.locator('.outrigger-field[data-param="alarms"] .add-item').click();
    await page.locator('input[name="parameterValues.alarms-0"]').fill('orders-5xx');
    // Metric gates, the invoke check, a hook and provisioned concurrency: JSON checked as typed.
    await typeInto('metricGates', '{"metric": "Errors"}');
    await expect.poll(() => page.locator('.outrigger-outriggerLambdaProgressive').textContent()).toContain('Metric gates must be a JSON list of objects');
    await typeInto('metricGates', '[{"metric": "Errors", "threshold": 0.01}]');
    await typeInto('invokeCheck', '{"invocations": 2, "jsonPath": "$.statusCode", "equals": 200}');
    await typeInto('beforeAllowTraffic', 'orders-pretraffic');
    await typeInto('provisionedConcurrentExecutions', '5');
    const stage = await stageJson();
    expect(JSON.parse(stage.parameterValues.steps)).toEqual([{ weight: 10, bakeSeconds: 300 }, { weight: 50, bakeSeconds: 120 }, { weight: 100, bakeSeconds: 60 }]);
    expect(JSON.parse(stage.parameterValues.alarms)).toEqual(['orders-5xx']);
    expect(stage.parameterValues).toMatchObject({ deploymentType: 'Custom', functionName: 'orders', aliasName: 'live', targetVersion: '$LATEST', beforeAllowTraffic: 'orders-pretraffic', afterAllowTraffic: '' });
    expect(JSON.parse(stage.parameterValues.metricGates)).toEqual([{ metric: 'Errors', threshold: 0.01 }]);
    expect(JSON.parse(stage.parameterValues.invokeCheck)).toEqual({ invocations: 2, jsonPath: '$.statusCode', equals: 200 });
    expect(Number(stage.parameterValues.provisionedConcurrentExecutions)).toBe(5);
    await expect.poll(() => page.locator('.outrigger-outriggerLambdaProgressive').textContent()).not.toMatch(/Traffic steps:|Metric gates must/);
    await shot('outriggerLambdaProgressive-config');
  });

  it('execution details: a real rollout task of outrigger, its progress, history and result', async () => {
    fakeLambda.seed('orders');
    const send = (name: string, input: Record<string, unknown>) => fakeLambda.send({ constructor: { name: `${name}Command` }, input } as never) as Promise<any>;
    await send('PublishVersion', { FunctionName: 'orders' });
    await send('CreateAlias', { FunctionName: 'orders', Name: 'live', FunctionVersion: '1' });
    fakeLambda.touch('orders');
    const v2 = await send('PublishVersion', { FunctionName: 'orders' });
    expect(v2.Version).toBe('2');
    // The form's stage, without the gates, hook and provisioned concurrency typed there (their parts of AWS are not set up here).
    const values = { ...(await stageJson()).parameterValues, deploymentType: 'AllAtOnce', targetVersion: '2', alarms: '[]', metricGates: '[]', invokeCheck: '', beforeAllowTraffic: '', provisionedConcurrentExecutions: '' };
    const run = await showDetails('outriggerLambdaProgressive', values);
    expect(run.webhook.statusCode).toBe(202);
    expect(run.status, JSON.stringify(run.webhook.monitor)).toBe('SUCCEEDED');
    expect((await send('GetAlias', { FunctionName: 'orders', Name: 'live' })).FunctionVersion).toBe('2');
    await page.locator('.outrigger-task-history tbody tr').first().waitFor();
    const text = await page.locator('.outrigger-details').textContent();
    expect(text).toContain('SUCCEEDED');
    expect(text).toContain(run.webhook.monitor!.progressMessage!);
    const task = (await (await fetch(`${outrigger.url}/task/${run.webhook.body.id}`)).json()) as { history: { status: string }[] };
    expect(await page.locator('.outrigger-task-history tbody tr').count()).toBe(task.history.length);
    for (const h of task.history) expect(text).toContain(h.status);
    expect(text).toMatch(/"newVersion": "2"/);
    await shot('outriggerLambdaProgressive-details');
  });
});

describe('Bake: image retention (outriggerImageRetention)', () => {
  it('renders its form; keep and dry run update the stage; validators fire', async () => {
    await openStage('outriggerImageRetention');
    expect((await stageJson()).parameterValues).toMatchObject({ keep: 5, dryRun: 'true' });
    // An ECS-only account (ecs-sandbox) bakes nothing: not offered here.
    expect(await options('account')).toEqual(['prod', 'sandbox']);
    await pick('account', 'sandbox');
    await pick('region', 'us-west-2');
    await typeInto('keep', '1001');
    await expect.poll(() => page.locator('.outrigger-outriggerImageRetention').textContent()).toContain('Images to keep must be at most 1000.');
    await typeInto('keep', '2');
    await page.locator('.outrigger-field[data-param="dryRun"] input[type="checkbox"]').uncheck();
    let stage = await stageJson();
    expect(stage.parameterValues).toMatchObject({ account: 'sandbox', region: 'us-west-2', dryRun: 'false' });
    expect(Number(stage.parameterValues.keep)).toBe(2);
    await page.locator('.outrigger-field[data-param="dryRun"] input[type="checkbox"]').check();
    stage = await stageJson();
    expect(stage.parameterValues.dryRun).toBe('true');
    expect(await harness<string[]>('requiredFieldsMissing', stage)).toEqual([]);
    await shot('outriggerImageRetention-config');
  });

  it('execution details: kept, would-remove and skipped images of a real dry run', async () => {
    const tag = [{ Key: 'outrigger:application', Value: 'myapp' }];
    for (let i = 1; i <= 4; i++) {
      fakeEc2.images.push({ ImageId: `ami-myapp${i}`, Name: `myapp-${i}`, CreationDate: `2026-01-0${i}T00:00:00.000Z`, Tags: tag, BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { SnapshotId: `snap-${i}` } }] });
      fakeEc2.snapshots.add(`snap-${i}`);
    }
    fakeEc2.instances.push({ InstanceId: 'i-1', ImageId: 'ami-myapp1', State: 'running', Tags: [] } as never);
    const run = await showDetails('outriggerImageRetention', (await stageJson()).parameterValues);
    expect(run.webhook.statusCode, JSON.stringify(run.webhook.body)).toBe(200);
    expect(run.webhook.body).toMatchObject({ dryRun: true, kept: ['ami-myapp4', 'ami-myapp3'], removed: ['ami-myapp2'] });
    const text = await page.locator('.outrigger-details').textContent();
    expect(text).toContain('yes (nothing removed)');
    expect(text).toContain('ami-myapp4, ami-myapp3');
    expect(text).toContain('ami-myapp2');
    expect(text).toContain('ami-myapp1 (used by instance i-1)');
    expect(fakeEc2.images).toHaveLength(4); // a dry run removes nothing
    await shot('outriggerImageRetention-details');
  });
});
