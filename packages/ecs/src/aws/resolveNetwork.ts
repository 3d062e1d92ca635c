import type { EC2Client, Subnet } from '@aws-sdk/client-ec2';

/** The EC2 client module is large: it is loaded on the first network lookup, not at start-up. */
const ec2Commands = () => import('@aws-sdk/client-ec2');
import { InputError } from '@outrigger/runtime';
import { callAws, type CallOptions } from './callAws.js';

/** A subnet's Spinnaker purpose: the `purpose` of its `immutable_metadata` tag (JSON), as clouddriver reads it. */
export function subnetPurpose(s: Subnet): string | undefined {
  const tag = s.Tags?.find((t) => t.Key === 'immutable_metadata')?.Value;
  if (!tag) return undefined;
  try {
    const v = JSON.parse(tag) as { purpose?: unknown };
    return typeof v.purpose === 'string' ? v.purpose : undefined;
  } catch {
    return undefined;
  }
}

/**
 * clouddriver's SubnetSelector: subnets whose purpose is one of `subnetTypes`, in the description's zones (all zones
 * when none are listed). No match is an error naming the types and zones.
 */
export async function resolveSubnets(ec2: EC2Client, subnetTypes: string[], zones: string[], o: CallOptions = {}): Promise<{ subnetIds: string[]; vpcIds: string[] }> {
  const { DescribeSubnetsCommand } = await ec2Commands();
  const subnets: Subnet[] = [];
  let token: string | undefined;
  do {
    const page = await callAws('ec2', () => ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'tag-key', Values: ['immutable_metadata'] }], ...(token ? { NextToken: token } : {}) })), o);
    subnets.push(...(page.Subnets ?? []));
    token = page.NextToken;
  } while (token);
  const picked = subnets.filter((s) => subnetTypes.includes(subnetPurpose(s) ?? '') && (zones.length === 0 || zones.includes(s.AvailabilityZone ?? '')));
  if (picked.length === 0) {
    throw new InputError(`No subnets with purpose ${subnetTypes.join(', ')} in ${zones.join(', ') || 'any zone'}.`, {
      errors: [{ field: '$.body.subnetTypes', message: 'no matching subnets (tag immutable_metadata {"purpose": …})' }],
    });
  }
  return { subnetIds: picked.map((s) => s.SubnetId!), vpcIds: [...new Set(picked.map((s) => s.VpcId!))] };
}

/** Security group names → IDs inside the given VPCs; every name must resolve. */
export async function resolveSecurityGroups(ec2: EC2Client, names: string[], vpcIds: string[], o: CallOptions = {}): Promise<string[]> {
  if (names.length === 0) return [];
  const { DescribeSecurityGroupsCommand } = await ec2Commands();
  const res = await callAws(
    'ec2',
    () =>
      ec2.send(
        new DescribeSecurityGroupsCommand({
          Filters: [{ Name: 'group-name', Values: names }, ...(vpcIds.length ? [{ Name: 'vpc-id', Values: vpcIds }] : [])],
        }),
      ),
    o,
  );
  const found = new Map((res.SecurityGroups ?? []).map((g) => [g.GroupName!, g.GroupId!]));
  const missing = names.filter((n) => !found.has(n));
  if (missing.length) {
    throw new InputError(`Security groups not found in ${vpcIds.join(', ') || 'the account'}: ${missing.join(', ')}.`, {
      errors: [{ field: '$.body.securityGroupNames', message: `not found: ${missing.join(', ')}` }],
    });
  }
  return names.map((n) => found.get(n)!);
}

/** The VPCs of explicit subnet IDs (to find security groups by name in the right VPC). */
export async function vpcsOfSubnets(ec2: EC2Client, subnetIds: string[], o: CallOptions = {}): Promise<string[]> {
  const { DescribeSubnetsCommand } = await ec2Commands();
  const res = await callAws('ec2', () => ec2.send(new DescribeSubnetsCommand({ SubnetIds: subnetIds })), o);
  return [...new Set((res.Subnets ?? []).map((s) => s.VpcId!).filter(Boolean))];
}
