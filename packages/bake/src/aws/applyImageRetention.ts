import type { ImageRetentionResult } from '@outrigger/contract';
import { mapAwsError, type AccountConfig, type AwsClientFactory } from '@outrigger/runtime';

/**
 * Images outrigger baked for `application` (tag `outrigger:application`) beyond the newest `keep`: listed, and unless
 * `dryRun`, deregistered with their snapshots. Images used by instances (any state but terminated) or by the
 * `$Latest`/`$Default` version of a launch template are skipped.
 */
export async function applyImageRetention(
  aws: AwsClientFactory,
  account: AccountConfig,
  input: { region: string; application: string; keep: number; dryRun: boolean },
): Promise<ImageRetentionResult> {
  // The EC2 client is large: load it when a bake or deploy first needs it, not at start-up.
  const { DeleteSnapshotCommand, DeregisterImageCommand, DescribeImagesCommand, DescribeInstancesCommand, DescribeLaunchTemplateVersionsCommand, EC2Client } = await import('@aws-sdk/client-ec2');
  const ec2 = aws.client(EC2Client, account, input.region);
  try {
    const out = await ec2.send(
      new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'tag:outrigger:application', Values: [input.application] }] }),
    );
    const images = [...(out.Images ?? [])].sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''));
    const kept = images.slice(0, input.keep).map((i) => i.ImageId!);
    const candidates = images.slice(input.keep);
    const result: ImageRetentionResult = { application: input.application, region: input.region, dryRun: input.dryRun, kept, removed: [], skipped: [] };
    if (!candidates.length) return result;

    const ids = candidates.map((i) => i.ImageId!);
    const usedBy = new Map<string, string>();
    const inst = await ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: 'image-id', Values: ids },
          { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
        ],
      }),
    );
    for (const r of inst.Reservations ?? []) for (const i of r.Instances ?? []) if (i.ImageId) usedBy.set(i.ImageId, `used by instance ${i.InstanceId}`);
    let token: string | undefined;
    do {
      const lt = await ec2.send(new DescribeLaunchTemplateVersionsCommand({ Versions: ['$Latest', '$Default'], ...(token ? { NextToken: token } : {}) }));
      for (const v of lt.LaunchTemplateVersions ?? []) {
        const img = v.LaunchTemplateData?.ImageId;
        if (img && !usedBy.has(img)) usedBy.set(img, `used by launch template ${v.LaunchTemplateName ?? v.LaunchTemplateId}`);
      }
      token = lt.NextToken;
    } while (token);

    for (const image of candidates) {
      const id = image.ImageId!;
      const reason = usedBy.get(id);
      if (reason) {
        result.skipped.push({ imageId: id, reason });
        continue;
      }
      if (!input.dryRun) {
        await ec2.send(new DeregisterImageCommand({ ImageId: id }));
        for (const m of image.BlockDeviceMappings ?? []) {
          if (m.Ebs?.SnapshotId) await ec2.send(new DeleteSnapshotCommand({ SnapshotId: m.Ebs.SnapshotId }));
        }
      }
      result.removed.push(id);
    }
    return result;
  } catch (err) {
    throw mapAwsError(err, 'ec2');
  }
}
