import type { AccountConfig, AwsClientFactory } from '@outrigger/runtime';

/**
 * Removes temporary builder resources of dead bake attempts in one region: instances tagged `outrigger:bake-id`
 * (and `outrigger:bake-attempt`), the temporary security groups Packer made for them (`packer_*` groups attached to
 * those instances; deleted once the instance is gone, so a group still in use waits for the next pass), and key pairs
 * named `outrigger-<bake id>[-attempt-<n>]`. An attempt is dead when its bake is known to this bakery and has ended, or
 * when the bake runs again under a later attempt (its replica died and another restarted it); ids it does not know,
 * e.g. another installation's, are left alone. Returns what it removed.
 */
export async function reapBakeResources(
  aws: AwsClientFactory,
  account: AccountConfig,
  region: string,
  isDead: (bakeId: string, attempt: number) => Promise<boolean>,
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
      const attempt = Number(i.Tags?.find((t) => t.Key === 'outrigger:bake-attempt')?.Value ?? '1') || 1;
      if (!i.InstanceId || !bakeId || !(await isDead(bakeId, attempt))) continue;
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
    const m = /^outrigger-(.+?)(?:-attempt-(\d+))?$/.exec(k.KeyName ?? '');
    const bakeId = m?.[1];
    if (k.KeyName && bakeId && (await isDead(bakeId, Number(m?.[2] ?? '1')))) {
      await ec2.send(new DeleteKeyPairCommand({ KeyName: k.KeyName }));
      out.keyPairs.push(k.KeyName);
    }
  }
  return out;
}
