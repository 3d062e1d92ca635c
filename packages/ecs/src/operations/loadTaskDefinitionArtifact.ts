import { InputError, type AccountConfig } from '@outrigger/runtime';
import type { EcsDeploymentFields } from '@outrigger/contract';
import { DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { fetchArtifact, type ArtifactLike } from '../artifacts/fetchArtifact.js';
import { callAws } from '../aws/callAws.js';
import type { EcsContext } from '../EcsContext.js';
import { isInputsMode, taskDefinitionFromInputs } from '../resolve/taskDefinitionFromInputs.js';

/**
 * The task-definition document of a request: an inline `taskDefinition`, Orca's SpEL-evaluated map, or the artifact
 * (`artifact` or clouddriver's `resolvedTaskDefinitionArtifact`) fetched by type.
 */
export async function loadTaskDefinitionArtifact(
  ctx: EcsContext,
  d: EcsDeploymentFields & { artifact?: ArtifactLike; taskDefinition?: Record<string, unknown> },
  account: AccountConfig | undefined,
  region: string,
): Promise<string | Record<string, unknown>> {
  if (d.taskDefinition) return d.taskDefinition;
  if (isInputsMode(d)) {
    if (!d.dockerImageAddress) {
      throw new InputError('Validation Failed', {
        errors: [{ field: '$.body.dockerImageAddress', message: 'required when useTaskDefinitionArtifact is false (the task definition is built from the stage inputs)' }],
      });
    }
    return taskDefinitionFromInputs(d);
  }
  if (d.evaluateTaskDefinitionArtifactExpressions && d.spelProcessedTaskDefinitionArtifact) return d.spelProcessedTaskDefinitionArtifact;
  if (d.fromTaskDefinition) {
    if (!account) throw new InputError('fromTaskDefinition needs an AWS account.', { errors: [{ field: '$.body.credentials', message: 'required with fromTaskDefinition' }] });
    const ecs = ctx.deps.aws.client(ECSClient, account, region);
    const out = await callAws('ecs', () => ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: d.fromTaskDefinition!, include: ['TAGS'] })), ctx.sleep ? { sleep: ctx.sleep } : {});
    // The Describe output shape (wrapper, read-only fields, tags) is what the parser normalises and reports.
    return JSON.parse(JSON.stringify({ taskDefinition: out.taskDefinition, tags: out.tags ?? [] })) as Record<string, unknown>;
  }
  const artifact = (d.artifact ?? d.resolvedTaskDefinitionArtifact) as ArtifactLike | undefined;
  const field = d.artifact ? '$.body.artifact' : '$.body.resolvedTaskDefinitionArtifact';
  if (!artifact) {
    throw new InputError('No task definition: give artifact, resolvedTaskDefinitionArtifact, taskDefinition or fromTaskDefinition.', {
      errors: [{ field: '$.body.resolvedTaskDefinitionArtifact', message: 'required (or artifact, or taskDefinition)' }],
    });
  }
  const s3 = ctx.config.artifacts.s3;
  return fetchArtifact(
    artifact,
    {
      config: ctx.config.artifacts,
      ...(ctx.githubToken ? { githubToken: ctx.githubToken } : {}),
      aws: ctx.deps.aws,
      s3Account: () => (s3.account ? ctx.accountByName(s3.account) : account),
      s3Region: s3.region ?? region,
      get: ctx.deps.fetchArtifact,
    },
    field,
  );
}
