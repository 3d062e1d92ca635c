import { setLabel, upsertEnv } from './applyOverrides.js';
import { pointer, type Finding, type ReportEntry, type TaskDefinition } from './types.js';

/** What Spinnaker knows about the server group being deployed (§2.5). */
export interface ServerGroupContext {
  /** `app[-stack[-detail]]` (or `moniker.cluster`): the task-definition family. */
  clusterName: string;
  /** `<cluster>-vNNN`: the ECS service name (`SERVER_GROUP`, `spinnaker.servergroup`). */
  serverGroupName: string;
  stack?: string;
  detail?: string;
  launchType?: string;
  capacityProviderStrategy?: { capacityProvider?: string }[];
  /** The description's networkMode; `default` means "no expectation". */
  networkMode?: string;
  /** The account's role ARN, used as execution role on Fargate when none is set. */
  accountRoleArn?: string;
}

export function usesFargate(ctx: Pick<ServerGroupContext, 'launchType' | 'capacityProviderStrategy'>): boolean {
  return ctx.launchType === 'FARGATE' || (ctx.capacityProviderStrategy ?? []).some((s) => s.capacityProvider === 'FARGATE' || s.capacityProvider === 'FARGATE_SPOT');
}

/**
 * Injects what clouddriver injects in artifact mode, without its bugs: env vars replace same-named ones instead of
 * being appended, a missing networkMode is set rather than left to the default, and `default` is not compared
 * literally. Mutates `td`.
 */
export function injectServerGroup(td: TaskDefinition, ctx: ServerGroupContext, findings: Finding[], report: ReportEntry[]): void {
  if (td.family !== ctx.clusterName) {
    report.push({ action: td.family === undefined ? 'set' : 'replaced', pointer: '/family', source: 'injected', reason: 'family = cluster name' });
  }
  td.family = ctx.clusterName;

  const env: [string, string][] = [
    ['SERVER_GROUP', ctx.serverGroupName],
    ['CLOUD_STACK', ctx.stack ?? ''],
    ['CLOUD_DETAIL', ctx.detail ?? ''],
  ];
  const labels: [string, string][] = [['spinnaker.servergroup', ctx.serverGroupName]];
  if (ctx.stack) labels.push(['spinnaker.stack', ctx.stack]);
  if (ctx.detail) labels.push(['spinnaker.detail', ctx.detail]);
  td.containerDefinitions.forEach((c, idx) => {
    for (const [n, v] of env) {
      const existing = c.environment?.find((e) => e.name === n);
      if (existing && existing.value !== v) {
        findings.push({
          severity: 'warning',
          code: 'INJECTED_ENV_REPLACED',
          in: 'taskDefinition',
          pointer: pointer('containerDefinitions', idx, 'environment'),
          container: c.name,
          message: `Container '${c.name}': ${n}='${existing.value}' was replaced by the injected value '${v}'.`,
        });
      }
      upsertEnv(c, n, v, idx, report, 'injected');
    }
    for (const [k, v] of labels) {
      const existing = c.dockerLabels?.[k];
      if (existing !== undefined && existing !== v) {
        findings.push({
          severity: 'warning',
          code: 'INJECTED_LABEL_REPLACED',
          in: 'taskDefinition',
          pointer: pointer('containerDefinitions', idx, 'dockerLabels', k),
          container: c.name,
          message: `Container '${c.name}': label ${k}='${existing}' was replaced by the injected value '${v}'.`,
        });
      }
      setLabel(c, k, v, idx, report, 'injected');
    }
  });

  const fargate = usesFargate(ctx);
  if (fargate && !td.executionRoleArn && ctx.accountRoleArn) {
    td.executionRoleArn = ctx.accountRoleArn;
    report.push({ action: 'set', pointer: '/executionRoleArn', source: 'injected', reason: "the account's role (Fargate, none given)" });
  }
  if (ctx.launchType === 'FARGATE' && !td.requiresCompatibilities?.includes('FARGATE')) {
    td.requiresCompatibilities = [...(td.requiresCompatibilities ?? []), 'FARGATE'];
    report.push({ action: 'set', pointer: '/requiresCompatibilities', source: 'injected', reason: 'launchType FARGATE' });
  }

  const expected = ctx.networkMode && ctx.networkMode !== 'default' ? ctx.networkMode : undefined;
  if (expected) {
    if (td.networkMode === undefined) {
      td.networkMode = expected;
      report.push({ action: 'set', pointer: '/networkMode', source: 'injected', reason: 'server group networkMode' });
    } else if (td.networkMode !== expected) {
      findings.push({
        severity: 'error',
        code: 'NETWORK_MODE_MISMATCH',
        in: 'taskDefinition',
        pointer: '/networkMode',
        message: `Task definition networkMode does not match server group value. Found '${td.networkMode}' but expected '${expected}'.`,
      });
    }
  } else if (fargate && td.networkMode === undefined) {
    td.networkMode = 'awsvpc';
    report.push({ action: 'set', pointer: '/networkMode', source: 'injected', reason: 'Fargate requires awsvpc' });
  }
}
