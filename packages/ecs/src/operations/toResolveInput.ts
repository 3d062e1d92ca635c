import type { EcsDeploymentFields } from '@outrigger/contract';
import type { AccountConfig } from '@outrigger/runtime';
import { roleArnFor } from '@outrigger/runtime';
import type { ArtifactRef, ImageContext } from '../resolve/bindImages.js';
import type { ResolveInput } from '../resolve/resolveTaskDefinition.js';
import { clusterNameOf } from '../resolve/serverGroupNames.js';
import type { Finding } from '../resolve/types.js';

const NO_ROLE = 'None (No IAM role)';

/** The region of a description: clouddriver uses the first key of `availabilityZones`, else `region`. */
export function regionOf(d: { availabilityZones?: Record<string, string[]>; region?: string }): string | undefined {
  return Object.keys(d.availabilityZones ?? {})[0] ?? d.region;
}

/** Turns a clouddriver description (plus outrigger's fields) into resolver input, minus the artifact itself. */
export function toResolveInput(
  d: EcsDeploymentFields,
  account: AccountConfig | undefined,
  serverGroupName: string | undefined,
): { input: Omit<ResolveInput, 'artifact'>; findings: Finding[] } {
  const findings: Finding[] = [];
  const naming = clusterNameOf(d);
  const overrides = { ...(d.overrides ?? {}) };
  if (d.iamRole && d.iamRole !== NO_ROLE && overrides.taskRoleArn === undefined) {
    if (d.iamRole.startsWith('arn:')) overrides.taskRoleArn = d.iamRole;
    else if (account?.accountId) overrides.taskRoleArn = `arn:aws:iam::${account.accountId}:role/${d.iamRole.replace(/^role\//, '')}`;
    else {
      findings.push({
        severity: 'error',
        code: 'IAM_ROLE_UNRESOLVED',
        in: 'request',
        pointer: '/iamRole',
        message: `iamRole '${d.iamRole}' is a role name; the account has no accountId to build its ARN. Give the full ARN.`,
      });
    }
  }
  const targetGroupMappings = [
    ...(d.targetGroupMappings ?? []),
    ...(d.targetGroup ? [{ containerName: d.loadBalancedContainer ?? '', containerPort: d.containerPort, targetGroup: d.targetGroup }] : []),
  ];
  const hasNetworkConfiguration = Boolean(d.subnetIds?.length || d.subnetTypes?.length || d.subnetType);
  const images = {
    ...(d.containerToImageMap ? { containerToImageMap: d.containerToImageMap } : {}),
    ...(d.containerMappings ? { containerMappings: d.containerMappings } : {}),
    ...(d.artifacts ? { artifacts: d.artifacts as ArtifactRef[] } : {}),
    ...(d.imageArtifactRules ? { imageArtifactRules: d.imageArtifactRules } : {}),
    ...(d.keepImage ? { keepImage: d.keepImage } : {}),
    context: { ...(d.trigger ? { trigger: d.trigger as ImageContext['trigger'] } : {}), ...(d.stages ? { stages: d.stages as ImageContext['stages'] } : {}) },
  };
  const launchType = d.launchType || undefined;
  const accountRoleArn = account ? roleArnFor(account) : undefined;
  return {
    findings,
    input: {
      images,
      overrides,
      ...(naming.cluster && serverGroupName
        ? {
            serverGroup: {
              clusterName: naming.cluster,
              serverGroupName,
              ...(naming.stack ? { stack: naming.stack } : {}),
              ...(naming.detail ? { detail: naming.detail } : {}),
              ...(launchType ? { launchType } : {}),
              ...(d.capacityProviderStrategy ? { capacityProviderStrategy: d.capacityProviderStrategy } : {}),
              ...(d.networkMode ? { networkMode: d.networkMode } : {}),
              ...(accountRoleArn ? { accountRoleArn } : {}),
            },
          }
        : {}),
      service: {
        targetGroupMappings,
        ...(d.serviceDiscoveryAssociations ? { serviceDiscoveryAssociations: d.serviceDiscoveryAssociations } : {}),
        ...(d.networkMode === 'awsvpc' || launchType === 'FARGATE' ? { hasNetworkConfiguration } : {}),
        ...(launchType ? { launchType } : {}),
        ...(d.capacityProviderStrategy ? { capacityProviderStrategy: d.capacityProviderStrategy } : {}),
      },
    },
  };
}

/** `/containerDefinitions/0/image` in `taskDefinition` → `$.taskDefinition.containerDefinitions[0].image`. */
export function findingField(f: Finding): string {
  const root = f.in === 'request' ? '$.body' : f.in === 'artifact' ? '$.artifact' : '$.taskDefinition';
  const segs = f.pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  return root + segs.map((s) => (/^\d+$/.test(s) ? `[${s}]` : /^[A-Za-z_$][\w$]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`)).join('');
}
