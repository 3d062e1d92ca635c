import type { AccountConfig, AwsClientFactory } from '@outrigger/runtime';

/**
 * Removes temporary builder resources of dead bakes in one region: instances tagged `outrigger:bake-id` and key pairs
 * named `outrigger-<bake id>` whose bake is known to this bakery and has ended (ids it does not know, e.g. another
 * installation's, are left alone). Returns what it removed.
 */
export async function reapBakeResources(
  aws: AwsClientFactory,
  account: AccountConfig,
  region: string,
  isDead: (bakeId: string) => boolean,
): Promise<{ instances: string[]; keyPairs: string[] }> {
  // The EC2 client is large: load it when a bake or deploy first needs it, not at start-up.
  const { DeleteKeyPairCommand, DescribeInstancesCommand, DescribeKeyPairsCommand, EC2Client, TerminateInstancesCommand } = await import('@aws-sdk/client-ec2');
  const ec2 = aws.client(EC2Client, account, region);
  const out = { instances: [] as string[], keyPairs: [] as string[] };
  const inst = await ec2.send(
    new DescribeInstancesCommand({
      Filters: [
        { Name: 'tag-key', Values: ['outrigger:bake-id'] },
        { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
      ],
    }),
  );
  for (const r of inst.Reservations ?? []) {
    for (const i of r.Instances ?? []) {
      const bakeId = i.Tags?.find((t) => t.Key === 'outrigger:bake-id')?.Value;
      if (i.InstanceId && bakeId && isDead(bakeId)) out.instances.push(i.InstanceId);
    }
  }
  if (out.instances.length) await ec2.send(new TerminateInstancesCommand({ InstanceIds: out.instances }));
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
