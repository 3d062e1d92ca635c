import { createHash } from 'node:crypto';
import {
  DeregisterTargetsCommand,
  DescribeTargetGroupsCommand,
  RegisterTargetsCommand,
  type DescribeTargetGroupsCommandOutput,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { AddPermissionCommand, GetPolicyCommand, RemovePermissionCommand, type GetPolicyCommandOutput } from '@aws-sdk/client-lambda';
import { InputError } from '@outrigger/runtime';
import type { OperationContext } from '../operations/OperationContext.js';

const ELB = 'elasticloadbalancing.amazonaws.com';

/** The invoke permission's statement id for one target group: the same every time, so repeats are idempotent. */
export function statementIdFor(targetGroupArn: string): string {
  return `outrigger-elb-${createHash('sha256').update(targetGroupArn).digest('hex').slice(0, 24)}`;
}

/** `arn:aws:elasticloadbalancing:…:targetgroup/<name>/<id>` → `<name>`. */
export function targetGroupName(arn: string): string {
  return /:targetgroup\/([^/]+)\//.exec(arn)?.[1] ?? arn;
}

/** One string (clouddriver's form, may be comma separated) or a list → names/ARNs; empty → []. */
export function targetGroupList(spec: string | readonly string[] | null | undefined): string[] | undefined {
  if (spec === undefined || spec === null) return undefined;
  const list = typeof spec === 'string' ? spec.split(',') : [...spec];
  return list.map((s) => s.trim()).filter(Boolean);
}

/** Target groups the function is registered with, read from its resource policy (as clouddriver's agent does). */
export function targetGroupsFromPolicy(policy: string | undefined): { arn: string; sid: string }[] {
  if (!policy) return [];
  let doc: { Statement?: { Sid?: string; Effect?: string; Principal?: { Service?: string | string[] }; Condition?: Record<string, Record<string, string>> }[] };
  try {
    doc = JSON.parse(policy);
  } catch {
    return [];
  }
  const out: { arn: string; sid: string }[] = [];
  for (const s of doc.Statement ?? []) {
    const services = ([] as string[]).concat(s.Principal?.Service ?? []);
    if (s.Effect !== 'Allow' || !services.includes(ELB)) continue;
    const arn = s.Condition?.ArnLike?.['AWS:SourceArn'] ?? s.Condition?.ArnEquals?.['AWS:SourceArn'];
    if (arn) out.push({ arn, sid: s.Sid ?? '' });
  }
  return out;
}

async function resolve(ctx: OperationContext, specs: string[], field: string): Promise<TargetGroup[]> {
  const arns = specs.filter((s) => s.startsWith('arn:'));
  const names = specs.filter((s) => !s.startsWith('arn:'));
  const found: TargetGroup[] = [];
  const describe = async (input: { Names?: string[]; TargetGroupArns?: string[] }) => {
    try {
      const r = await ctx.send<DescribeTargetGroupsCommandOutput>(ctx.elb(), new DescribeTargetGroupsCommand(input));
      found.push(...(r.TargetGroups ?? []));
    } catch (err) {
      if ((err as Error).name === 'TargetGroupNotFoundException') {
        throw new InputError(`There is no target group with the name or ARN ${[...(input.Names ?? []), ...(input.TargetGroupArns ?? [])].join(', ')}.`, {
          errors: [{ field, message: 'target group not found' }],
        });
      }
      throw err;
    }
  };
  if (names.length) await describe({ Names: names });
  if (arns.length) await describe({ TargetGroupArns: arns });
  for (const n of names) {
    const hits = found.filter((t) => t.TargetGroupName === n);
    if (hits.length === 0) throw new InputError(`There is no target group with the name ${n}.`, { errors: [{ field, message: 'target group not found' }] });
    if (hits.length > 1) throw new InputError(`There are multiple target groups with the name ${n}.`, { errors: [{ field, message: 'ambiguous name' }] });
  }
  return found;
}

/**
 * Makes the function's target groups exactly `specs`: registers it with new ones (invoke permission first, with a
 * deterministic statement id) and deregisters it from ones no longer listed.
 */
export async function syncTargetGroups(ctx: OperationContext, functionName: string, functionArn: string, specs: string[], field: string): Promise<string[]> {
  const wanted = specs.length ? await resolve(ctx, specs, field) : [];
  let current: { arn: string; sid: string }[] = [];
  try {
    const p = await ctx.send<GetPolicyCommandOutput>(ctx.lambda, new GetPolicyCommand({ FunctionName: functionName }));
    current = targetGroupsFromPolicy(p.Policy);
  } catch (err) {
    if ((err as Error).name !== 'ResourceNotFoundException') throw err;
  }
  const unqualified = functionArn.replace(/:(\$LATEST|\d+)$/, '');
  for (const tg of wanted) {
    const arn = tg.TargetGroupArn!;
    if (!current.some((c) => c.arn === arn)) {
      try {
        await ctx.send(
          ctx.lambda,
          new AddPermissionCommand({ FunctionName: functionName, StatementId: statementIdFor(arn), Action: 'lambda:InvokeFunction', Principal: ELB, SourceArn: arn }),
        );
      } catch (err) {
        if ((err as Error).name !== 'ResourceConflictException') throw err;
      }
    }
    await ctx.send(ctx.elb(), new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: unqualified }] }));
    await ctx.status(`Registered ${functionName} with target group ${tg.TargetGroupName}`);
  }
  for (const c of current) {
    if (wanted.some((w) => w.TargetGroupArn === c.arn)) continue;
    await deregister(ctx, functionName, unqualified, c);
  }
  return wanted.map((w) => w.TargetGroupName!);
}

async function deregister(ctx: OperationContext, functionName: string, functionArn: string, c: { arn: string; sid: string }) {
  try {
    await ctx.send(ctx.elb(), new DeregisterTargetsCommand({ TargetGroupArn: c.arn, Targets: [{ Id: functionArn }] }));
  } catch (err) {
    if (!/NotFound|InvalidTarget/.test((err as Error).name)) throw err;
  }
  if (c.sid) {
    try {
      await ctx.send(ctx.lambda, new RemovePermissionCommand({ FunctionName: functionName, StatementId: c.sid }));
    } catch (err) {
      if ((err as Error).name !== 'ResourceNotFoundException') throw err;
    }
  }
  await ctx.status(`Deregistered ${functionName} from target group ${targetGroupName(c.arn)}`);
}

/** Before a function is deleted: deregisters it from every target group its policy names. */
export async function deregisterAll(ctx: OperationContext, functionName: string, functionArn: string): Promise<void> {
  let current: { arn: string; sid: string }[] = [];
  try {
    const p = await ctx.send<GetPolicyCommandOutput>(ctx.lambda, new GetPolicyCommand({ FunctionName: functionName }));
    current = targetGroupsFromPolicy(p.Policy);
  } catch (err) {
    if ((err as Error).name !== 'ResourceNotFoundException') throw err;
  }
  for (const c of current) await deregister(ctx, functionName, functionArn, { arn: c.arn, sid: '' });
}
