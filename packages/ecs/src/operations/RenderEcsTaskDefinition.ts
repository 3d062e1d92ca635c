import { randomUUID } from 'node:crypto';
import { DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import type { EcsRenderRequest, EcsRenderResponse } from '@outrigger/contract';
import { InputError, type AccountConfig, type Principal } from '@outrigger/runtime';
import { currentServerGroup, listClusterServerGroups, nextServerGroupName, type ClusterServerGroup } from '../aws/serverGroups.js';
import type { EcsContext } from '../EcsContext.js';
import { pinImageDigests } from '../aws/pinImageDigests.js';
import { diffTaskDefinitions } from '../resolve/diffTaskDefinitions.js';
import { parseTaskDefinitionArtifact } from '../resolve/parseTaskDefinitionArtifact.js';
import { resolveTaskDefinition, type ResolveResult } from '../resolve/resolveTaskDefinition.js';
import { isInputsMode, withInputsDefaults } from '../resolve/taskDefinitionFromInputs.js';
import { clusterNameOf } from '../resolve/serverGroupNames.js';
import type { Finding, TaskDefinition } from '../resolve/types.js';
import { loadTaskDefinitionArtifact } from './loadTaskDefinitionArtifact.js';
import { findingField, regionOf, toResolveInput } from './toResolveInput.js';

export interface RenderOutcome extends ResolveResult {
  findings: Finding[];
  serverGroupName?: string;
  groups?: ClusterServerGroup[];
  current?: ClusterServerGroup;
}

/** Throws the 400 a caller sees when a render has error findings (each finding becomes one `errors[]` entry). */
export function failOnFindings(findings: Finding[]): void {
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length === 0) return;
  throw new InputError(`The task definition did not resolve: ${errors[0]!.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`, {
    errors: errors.map((f) => ({ field: findingField(f), message: `${f.code}: ${f.message}` })),
  });
}

/** Account, region, artifact, cluster lookup and resolve: shared by render, createServerGroup and deploy. */
export async function renderForDescription(
  ctx: EcsContext,
  body: EcsRenderRequest,
  account: AccountConfig | undefined,
  opts: { lookup: boolean },
): Promise<RenderOutcome & { region: string }> {
  if (isInputsMode(body)) body = withInputsDefaults(body);
  const region = regionOf(body) ?? account?.regions[0]?.name ?? ctx.deps.config.aws.defaultRegions[0]?.name ?? 'us-east-1';
  const artifact = await loadTaskDefinitionArtifact(ctx, body, account, region);
  const naming = clusterNameOf(body);
  const extra: Finding[] = [];
  let serverGroupName = body.serverGroupName;
  let groups: ClusterServerGroup[] | undefined;
  if (opts.lookup && account && body.ecsClusterName && naming.cluster) {
    const ecs = ctx.deps.aws.client(ECSClient, account, region);
    groups = await listClusterServerGroups(ecs, body.ecsClusterName, naming.cluster);
    serverGroupName ??= await nextServerGroupName(ecs, body.ecsClusterName, naming.cluster, groups);
  }
  if (naming.cluster && !serverGroupName) {
    extra.push({
      severity: 'warning',
      code: 'NOT_INJECTED',
      in: 'request',
      pointer: '',
      message: 'Spinnaker values (family, SERVER_GROUP, spinnaker.* labels) were not injected: give serverGroupName, or credentials and ecsClusterName.',
    });
  }
  const { input, findings: pre } = toResolveInput(body, account, serverGroupName);
  const r = resolveTaskDefinition({ artifact, ...input });
  if (body.pinImageDigests && r.taskDefinition) {
    if (!account) {
      extra.push({ severity: 'error', code: 'DIGEST_NEEDS_ACCOUNT', in: 'request', pointer: '/pinImageDigests', message: 'pinImageDigests needs credentials (the AWS account that reads ECR).' });
    } else {
      const pinFindings: Finding[] = [];
      await pinImageDigests(r.taskDefinition, r.images, ctx.deps.aws, account, r.report, pinFindings, ctx.sleep ? { sleep: ctx.sleep } : {});
      r.findings.push(...pinFindings);
      if (pinFindings.some((f) => f.severity === 'error')) r.ok = false;
    }
  }
  const findings = [...pre, ...r.findings, ...extra];
  return {
    ...r,
    ok: r.ok && !pre.some((f) => f.severity === 'error') && !extra.some((f) => f.severity === 'error'),
    findings,
    region,
    ...(serverGroupName ? { serverGroupName } : {}),
    ...(groups ? { groups } : {}),
    ...(groups && currentServerGroup(groups) ? { current: currentServerGroup(groups)! } : {}),
  };
}

/** `POST /ecs/taskDefinitions/render` */
export async function renderEcsTaskDefinition(ctx: EcsContext, body: EcsRenderRequest, principal: Principal): Promise<EcsRenderResponse> {
  const accountName = body.credentials ?? body.account;
  const account = accountName ? ctx.deps.authorizer.requireAccount(principal, accountName, 'READ', body.credentials ? '$.body.credentials' : '$.body.account') : undefined;
  const r = await renderForDescription(ctx, body, account, { lookup: true });
  if (!r.ok && body.failOnError !== false) failOnFindings(r.findings);

  let diff: EcsRenderResponse['diff'] = { changes: [] };
  if (r.current && r.taskDefinition && account) {
    diff = { against: { serverGroupName: r.current.name, ...(r.current.taskDefinition ? { taskDefinitionArn: r.current.taskDefinition } : {}) }, changes: [] };
    if (r.current.taskDefinition) {
      const ecs = ctx.deps.aws.client(ECSClient, account, r.region);
      const live = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: r.current.taskDefinition, include: ['TAGS'] })).catch(() => undefined);
      const parsed = live ? parseTaskDefinitionArtifact(JSON.parse(JSON.stringify(live)) as unknown) : undefined;
      if (parsed?.taskDefinition) diff.changes = diffTaskDefinitions(parsed.taskDefinition, r.taskDefinition);
      else r.findings.push({ severity: 'warning', code: 'DIFF_UNAVAILABLE', in: 'request', pointer: '', message: `Could not read ${r.current.taskDefinition} to diff against.` });
    }
  }

  const id = randomUUID();
  let url = '';
  const artifacts: EcsRenderResponse['artifacts'] = [];
  if (r.ok && r.taskDefinition) {
    await ctx.renders.put({ id, taskDefinition: r.taskDefinition as Record<string, unknown>, createdAt: Date.now() });
    url = `${ctx.deps.baseUrl().replace(/\/+$/, '')}/ecs/renders/${id}/taskDefinition.json`;
    artifacts.push(...renderArtifacts(r.taskDefinition, url, id));
  }
  return {
    id,
    ok: r.ok,
    url,
    ...(r.taskDefinition ? { taskDefinition: r.taskDefinition as Record<string, unknown> } : {}),
    report: r.report,
    findings: r.findings,
    images: r.images,
    diff,
    artifacts,
  };
}

/** The render as an `http/file` artifact (clouddriver fetches the URL) and as an `embedded/base64` artifact. */
export function renderArtifacts(td: TaskDefinition, url: string, id: string): EcsRenderResponse['artifacts'] {
  const name = `${td.family ?? 'task-definition'}.json`;
  return [
    { type: 'http/file', name, reference: url, version: id, metadata: { renderId: id } },
    { type: 'embedded/base64', name, reference: Buffer.from(JSON.stringify(td)).toString('base64'), version: id, metadata: { renderId: id } },
  ];
}
