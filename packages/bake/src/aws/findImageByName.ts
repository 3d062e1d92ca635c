import { mapAwsError, type AccountConfig, type AwsClientFactory } from '@outrigger/runtime';

/** Newest image (by CreationDate) whose name matches `pattern` (EC2 wildcards `*` and `?`), or undefined. */
export async function findImageByName(aws: AwsClientFactory, account: AccountConfig, region: string, pattern: string, owners: string[]): Promise<string | undefined> {
  // The EC2 client is large: load it when a bake or deploy first needs it, not at start-up.
  const { DescribeImagesCommand, EC2Client } = await import('@aws-sdk/client-ec2');
  const ec2 = aws.client(EC2Client, account, region);
  try {
    const out = await ec2.send(new DescribeImagesCommand({ Owners: owners, Filters: [{ Name: 'name', Values: [pattern] }, { Name: 'state', Values: ['available'] }] }));
    const images = [...(out.Images ?? [])].sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''));
    return images[0]?.ImageId;
  } catch (err) {
    throw mapAwsError(err, 'ec2');
  }
}
