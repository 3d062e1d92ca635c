// Replay: the ECS "Deploy" stage in artifact mode (useTaskDefinitionArtifact: true), as Deck's form fills it and Orca
// forwards it as the `createServerGroup` description.
// Deck (spinnaker/spinnaker, deck/packages/ecs/src/serverGroup/configure/):
//  - serverGroupCommandBuilder.service.js buildNewServerGroupCommand :61-113 (the defaults every command carries);
//  - wizard/taskDefinition/TaskDefinition.tsx: onExpectedArtifactSelected :170-174 → `taskDefinitionArtifact:
//    {artifactId}`; onArtifactEdited :176-180 → `{artifact}`; pushMapping :182-186 + getEmptyImageDescription :149-162
//    (containerMappings[].imageDescription: imageId, message, fromTrigger, fromContext, stageId, imageLabelOrSha,
//    account, registry, repository, tag); updateContainerMappingImage :202- (the picked image's description);
//    pushTargetGroupMapping :188-192 (targetGroupMappings[]: containerName, targetGroup, containerPort);
//    a legacy `targetGroup` + `loadBalancedContainer` folds into targetGroupMappings in the constructor :59-67.
// Orca (orca/orca-clouddriver/src/main/groovy/com/netflix/spinnaker/orca/clouddriver/tasks/providers/ecs/
// EcsServerGroupCreator.groovy, getOperations :77-): copies the whole stage context :80, account → credentials :82-84,
// binds the artifact into `resolvedTaskDefinitionArtifact` :88, turns containerMappings into
// `containerToImageMap` {containerName: imageDescription.imageId} :110-112 (getContainerToImageMap, buildImageId
// `registry/repository:tag` when imageId is empty).
// What Orca then reads (MonitorKatoTask.groovy :155-156, getServerGroupNames :287-): resultObjects[].serverGroupNames.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEcsApp } from '../../packages/ecs/src/__fixtures__/startEcsApp.js';
import { deckServerGroupCommand } from './fixtures/ecsBodies.js';

let app: Awaited<ReturnType<typeof startEcsApp>>;
beforeEach(async () => {
  app = await startEcsApp();
  app.fake.targetGroups.set('shop-prod-tg', {
    TargetGroupName: 'shop-prod-tg',
    TargetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-prod-tg/abc',
    LoadBalancerArns: ['arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop/def'],
  });
});
afterEach(() => app.close());

const taskDefinition = {
  family: 'shop',
  containerDefinitions: [
    { name: 'web', image: 'PLACEHOLDER', memory: 512, portMappings: [{ containerPort: 8080 }] },
    { name: 'sidecar', image: 'PLACEHOLDER', memory: 128, essential: false },
  ],
};
// The image descriptions Deck's image picker hands over (DockerImageReader results), one per container mapping.
const image = (repository: string, tag: string) => ({
  imageId: `123456789012.dkr.ecr.us-east-1.amazonaws.com/${repository}:${tag}`,
  message: '',
  fromTrigger: false,
  fromContext: false,
  stageId: '',
  imageLabelOrSha: '',
  account: 'ecr-prod',
  registry: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
  repository,
  tag,
});

/** Deck's command after the artifact-mode form, plus what EcsServerGroupCreator adds before posting it. */
function orcaDescription(resolvedTaskDefinitionArtifact: Record<string, unknown>, taskDefinitionArtifact: Record<string, unknown>) {
  const containerMappings = [
    { containerName: 'web', imageDescription: image('web', '1.4.2') },
    { containerName: 'sidecar', imageDescription: image('envoy', '1.30') },
  ];
  return {
    // buildNewServerGroupCommand defaults
    ...deckServerGroupCommand(),
    placementStrategySequence: [],
    serviceDiscoveryAssociations: [],
    ecsClusterName: 'main',
    targetGroup: '',
    loadBalancedContainer: '',
    copySourceScalingPoliciesAndActions: true,
    preferSourceCapacity: true,
    useSourceCapacity: true,
    enableDeploymentCircuitBreaker: false,
    // the artifact-mode form (TaskDefinition.tsx)
    useTaskDefinitionArtifact: true,
    taskDefinitionArtifact,
    taskDefinitionArtifactAccount: 'embedded-artifact',
    evaluateTaskDefinitionArtifactExpressions: false,
    containerMappings,
    targetGroupMappings: [{ containerName: 'web', targetGroup: 'shop-prod-tg', containerPort: 8080 }],
    type: 'createServerGroup',
    // added by EcsServerGroupCreator
    resolvedTaskDefinitionArtifact,
    containerToImageMap: Object.fromEntries(containerMappings.map((m) => [m.containerName, m.imageDescription.imageId])),
  };
}

async function deployAndRead(body: unknown) {
  const res = await app.post('/ecs/ops/createServerGroup', body);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  const t = await app.task(res.body.id);
  expect(t.status, JSON.stringify(t.resultObjects)).toMatchObject({ completed: true, failed: false });
  expect(t.resultObjects[0].serverGroupNames).toEqual(['us-east-1:shop-prod-v000']);
  const registered = app.fake.calls.find((c) => c.command === 'RegisterTaskDefinition')!.input;
  const byName = Object.fromEntries(registered.containerDefinitions.map((c: { name: string }) => [c.name, c]));
  expect(byName.web.image).toBe('123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4.2');
  expect(byName.sidecar.image).toBe('123456789012.dkr.ecr.us-east-1.amazonaws.com/envoy:1.30');
  // Spinnaker's injected values land in the artifact's containers too.
  expect(byName.web.dockerLabels).toMatchObject({ 'spinnaker.servergroup': 'shop-prod-v000' });
  const create = app.fake.calls.find((c) => c.command === 'CreateService')!.input;
  expect(create).toMatchObject({ serviceName: 'shop-prod-v000', loadBalancers: [{ containerName: 'web', containerPort: 8080, targetGroupArn: expect.stringContaining('shop-prod-tg') }] });
  expect(create.healthCheckGracePeriodSeconds).toBeUndefined(); // Deck's '' = not set
  return t;
}

describe("ECS artifact mode (useTaskDefinitionArtifact: true) as Deck's form and Orca's EcsServerGroupCreator send it", () => {
  it('an edited embedded/base64 artifact ({artifact}) bound by Orca: images from containerToImageMap, target group on its container', async () => {
    const artifact = { type: 'embedded/base64', name: 'shop-td.json', reference: Buffer.from(JSON.stringify(taskDefinition)).toString('base64') };
    await deployAndRead(orcaDescription(artifact, { artifact }));
  });

  it('an expected artifact ({artifactId}) Orca bound to an s3/object: outrigger reads it from S3', async () => {
    app.fake.objects.set('shop-artifacts/td/shop.json', JSON.stringify(taskDefinition));
    const bound = { type: 's3/object', name: 's3://shop-artifacts/td/shop.json', reference: 's3://shop-artifacts/td/shop.json', artifactAccount: 'prod' };
    await deployAndRead(orcaDescription(bound, { artifactId: '4b6c2d1e-7f1a-4d55-9a57-2b1f6b0c9e11' }));
  });

  it('no container mapping for a PLACEHOLDER container: the task fails with a message naming the container', async () => {
    const artifact = { type: 'embedded/base64', name: 'shop-td.json', reference: Buffer.from(JSON.stringify(taskDefinition)).toString('base64') };
    const full = orcaDescription(artifact, { artifact });
    // The user mapped only `web`; Orca's map then names only `web`.
    const body = { ...full, containerMappings: full.containerMappings.slice(0, 1), containerToImageMap: { web: image('web', '1.4.2').imageId } };
    const res = await app.post('/ecs/ops/createServerGroup', body);
    const t = res.status === 202 ? await app.task(res.body.id) : undefined;
    const text = JSON.stringify(t?.resultObjects ?? res.body);
    expect(t ? t.status.failed : res.status === 400).toBe(true);
    expect(text).toMatch(/sidecar/);
    expect(app.fake.calls.some((c) => c.command === 'CreateService')).toBe(false);
  });
});
