// Replay: a Bake stage as Orca drives outrigger's Rosco-compatible bakery (the real Packer, `local` provider), and
// what Orca reads back at each step. Sources (spinnaker/spinnaker, orca/orca-bakery/src/main/groovy/com/netflix/
// spinnaker/orca/bakery/):
//  - tasks/CreateBakeTask.groovy: bakeFromContext (PackageInfo.findTargetPackage over the stage context, `account` →
//    accountName, packageArtifacts, then `mapper.convertValue(requestMap, BakeRequest)`; with roscoApisEnabled the
//    unknown keys stay in `other()`); `createBake(region, bake, rebake)` :107-111 (POST /api/v1/{region}/bake?rebake=);
//    stage outputs `status`, `bakePackageName`, `previouslyBaked: bakeStatus.state == COMPLETED` :113-117.
//  - api/BakeRequest.groovy: snake_case JSON (user, package, base_os, vm_type, cloud_provider_type, base_label,
//    ami_suffix, store_type, extended_attributes, account_name, …) plus the stage's other keys.
//  - tasks/MonitorBakeTask.groovy: `lookupStatus(region, previousStatus.id)` :61 (GET /api/v1/{region}/status/{id});
//    mapStatus :82-: COMPLETED + result SUCCESS → SUCCEEDED, COMPLETED + FAILURE → TERMINAL, CANCELED → TERMINAL,
//    anything else RUNNING; only a 404 keeps polling :71-72.
//  - tasks/CompletedBakeTask.groovy: `lookupBake(region, status.resourceId)` :43 (GET /api/v1/{region}/bake/{id});
//    reads ami ?: imageName (ami, imageId) :45-49, artifact → artifacts[], baseAmi → baseAmiId :51-53, imageName.
// The body is harness.orcaBody (9a's copy of what CreateBakeTask sends: the stage context, snake_cased top-level keys).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, orcaBody, post, startBakery, waitForEnd } from '../../packages/bake/src/__fixtures__/harness.js';

type Status = { id: string; state: string; result?: string; resource_id?: string };
/** MonitorBakeTask.mapStatus. */
const mapStatus = (s: Status) => (s.state === 'COMPLETED' ? (s.result === 'SUCCESS' ? 'SUCCEEDED' : 'TERMINAL') : s.state === 'CANCELED' || s.state === 'CANCELLED' ? 'TERMINAL' : 'RUNNING');
/** What CompletedBakeTask puts in the stage context from the bake. */
function completedBake(bake: Record<string, any>) {
  const image = bake.ami ?? bake.image_name;
  return {
    ami: image,
    imageId: image,
    artifacts: bake.artifact ? [bake.artifact] : [],
    ...(bake.base_ami != null ? { baseAmiId: bake.base_ami } : {}),
    ...(bake.image_name || bake.ami_name ? { imageName: bake.image_name ?? bake.ami_name } : {}),
  };
}

describe('Bake stage replay: CreateBakeTask → MonitorBakeTask → CompletedBakeTask', () => {
  let b: Awaited<ReturnType<typeof startBakery>>;
  beforeAll(async () => {
    b = await startBakery();
  });
  afterAll(() => b.close());

  it('a successful bake: RUNNING status with an id, SUCCEEDED on COMPLETED/SUCCESS, then the image Orca hands to the deploy', async () => {
    const body = orcaBody({ package: 'nginx', account_name: 'prod', extended_attributes: { team: 'web', bake_seconds: '0' } });
    const created = await post(b.baseUrl, '/api/v1/us-east-1/bake', body);
    expect(created.status).toBe(200);
    const status = created.body as Status;
    expect(status.id).toEqual(expect.any(String));
    const previouslyBaked = status.state === 'COMPLETED';
    expect(previouslyBaked).toBe(false);

    const polled = await waitForEnd(b.baseUrl, 'us-east-1', status.id);
    expect(polled.status).toBe(200);
    expect(mapStatus(polled.body as Status)).toBe('SUCCEEDED');
    const resourceId = (polled.body as Status).resource_id!;
    expect(resourceId).toEqual(expect.any(String));

    const bake = await get(b.baseUrl, `/api/v1/us-east-1/bake/${resourceId}`);
    expect(bake.status).toBe(200);
    const ctx = completedBake(bake.body);
    expect(ctx).toMatchObject({ ami: 'nginx-all-20260101000000-local', imageId: 'nginx-all-20260101000000-local', imageName: 'nginx-all-20260101000000-local', baseAmiId: 'local' });
    expect(ctx.artifacts).toEqual([expect.objectContaining({ type: 'local/image', name: 'nginx-all-20260101000000-local', location: 'us-east-1' })]);

    // The next execution with the same inputs: CreateBakeTask marks it previouslyBaked (state COMPLETED at once).
    const again = await post(b.baseUrl, '/api/v1/us-east-1/bake', body);
    expect(again.body.state).toBe('COMPLETED');
    expect(mapStatus(again.body as Status)).toBe('SUCCEEDED');
  });

  it('an unknown base_os: getBaseImage answers 404 with a message (CreateBakeTask makes it the stage error), the bake itself a 400 naming base_os; an unknown status id is Rosco\'s 400', async () => {
    // CreateBakeTask.getBaseOsPackageType (roscoApisEnabled): GET /bakeOptions/{cloudProviderType}/baseImages/{baseOs}.
    const image = await get(b.baseUrl, '/bakeOptions/local/baseImages/no-such-os');
    expect(image.status).toBe(404);
    expect(image.body.message ?? image.body.messages?.[0]).toMatch(/no-such-os/);
    const bad = await post(b.baseUrl, '/api/v1/us-east-1/bake', orcaBody({ base_os: 'no-such-os' }));
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/base_os/);
    // An unknown status id: Rosco's answer (400 "Unable to retrieve status for …"), which MonitorBakeTask does not
    // retry (only a 404 keeps it polling), so the stage fails with that message.
    const unknown = await get(b.baseUrl, '/api/v1/us-east-1/status/no-such-status');
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toBe("Unable to retrieve status for 'no-such-status'.");
  });
});
