import type { AccountConfig, AwsClientFactory } from '@outrigger/runtime';

/**
 * Removes temporary builder resources of dead bakes in one region: instances tagged `outrigger:bake-id`, the temporary
 * security groups Packer made for them (`packer_*` groups attached to those instances; deleted once the instance is
 * gone, so a group still in use waits for the next pass), and key pairs named `outrigger-<bake id>`, whose bake is
 * known to this bakery and has ended (ids it does not know, e.g. another installation's, are left alone). Returns what
 * it removed.
 */
export async function reapBakeResources(
  aws: AwsClientFactory,
  account: AccountConfig,
  region: string,
  isDead: (bakeId: string) => boolean,
): Promise<{ instances: string[]; securityGroups: string[]; keyPairs: string[] }> {
  // The EC2 client is large: load it when a bake or deploy first needs it, not at start-up.
  const { DeleteKeyPairCommand, DeleteSecurityGroupCommand, DescribeInstancesCommand, DescribeKeyPairsCommand, EC2Client, TerminateInstancesCommand } =
    await import('@aws-sdk/client-ec2');
  const ec2 = aws.client(EC2Client, account, region);
  const out = { instances: [] as string[], securityGroups: [] as string[], keyPairs: [] as string[] };
  const groups = new Set<string>();
  const inst = await ec2.send(
    new DescribeInstancesCommand({
      Filters: [
        { Name: 'tag-key', Values: ['outrigger:bake-id'] },
        { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped', 'shutting-down', 'terminated'] },
      ],
    }),
  );
  for (const r of inst.Reservations ?? []) {
    for (const i of r.Instances ?? []) {
      const bakeId = i.Tags?.find((t) => t.Key === 'outrigger:bake-id')?.Value;
      if (!i.InstanceId || !bakeId || !isDead(bakeId)) continue;
      for (const g of i.SecurityGroups ?? []) if (g.GroupId && g.GroupName?.startsWith('packer_')) groups.add(g.GroupId);
      if (!['shutting-down', 'terminated'].includes(i.State?.Name ?? '')) out.instances.push(i.InstanceId);
    }
  }
  if (out.instances.length) await ec2.send(new TerminateInstancesCommand({ InstanceIds: out.instances }));
  for (const groupId of groups) {
    try {
      await ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupId }));
      out.securityGroups.push(groupId);
    } catch (err) {
      // Still attached to an instance that is shutting down: the next pass deletes it. Already gone: nothing to do.
      const name = (err as { name?: string }).name ?? '';
      if (name !== 'DependencyViolation' && name !== 'InvalidGroup.InUse' && name !== 'InvalidGroup.NotFound') throw err;
    }
  }
  const keys = await ec2.send(new DescribeKeyPairsCommand({ Filters: [{ Name: 'key-name', Values: ['outrigger-*'] }] }));
  for (const k of keys.KeyPairs ?? []) {
    const bakeId = k.KeyName?.slice('outrigger-'.length);
    if (k.KeyName && bakeId && isDead(bakeId)) {
      await ec2.send(new DeleteKeyPairCommand({ KeyName: k.KeyName }));
      out.keyPairs.push(k.KeyName);
    }
  }
  return out;
}
