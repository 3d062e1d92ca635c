import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import type { AccountConfig, AwsClientFactory } from '@outrigger/runtime';
import type { ImageBinding } from '../resolve/bindImages.js';
import { pointer, type Finding, type ReportEntry, type TaskDefinition } from '../resolve/types.js';
import { callAws, type CallOptions } from './callAws.js';

const ECR_IMAGE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+):([\w][\w.-]{0,127})$/;

/**
 * Pins ECR images given by tag to their digest (`…/repo@sha256:…`), as Orca's Find Image from Tags does, so a moved
 * tag cannot change what a server group runs. The tag is kept in the docker label `outrigger.io/image-tag.<container>`.
 * Non-ECR images are left as they are, with a warning. Mutates `td` and the bindings.
 */
export async function pinImageDigests(
  td: TaskDefinition,
  images: ImageBinding[],
  aws: AwsClientFactory,
  account: AccountConfig,
  report: ReportEntry[],
  findings: Finding[],
  o: CallOptions = {},
): Promise<void> {
  for (const [idx, c] of td.containerDefinitions.entries()) {
    const image = c.image ?? '';
    if (image.includes('@sha256:')) continue;
    const m = ECR_IMAGE.exec(image);
    if (!m) {
      findings.push({
        severity: 'warning',
        code: 'DIGEST_NOT_PINNED',
        in: 'taskDefinition',
        pointer: pointer('containerDefinitions', idx, 'image'),
        container: c.name,
        message: `Container '${c.name}': ${image} is not an ECR image given by tag; it was not pinned to a digest.`,
      });
      continue;
    }
    const [, registryId, region, repositoryName, tag] = m as unknown as [string, string, string, string, string];
    const ecr = aws.client(ECRClient, account, region);
    let digest: string | undefined;
    try {
      const out = await callAws('ecr', () => ecr.send(new DescribeImagesCommand({ registryId, repositoryName, imageIds: [{ imageTag: tag }] })), o);
      digest = out.imageDetails?.[0]?.imageDigest;
    } catch (err) {
      if ((err as Error).name !== 'NotFoundError') throw err; // ImageNotFound / RepositoryNotFound become a finding
    }
    if (!digest) {
      findings.push({
        severity: 'error',
        code: 'IMAGE_TAG_NOT_FOUND',
        in: 'taskDefinition',
        pointer: pointer('containerDefinitions', idx, 'image'),
        container: c.name,
        message: `Container '${c.name}': tag ${tag} was not found in ECR repository ${repositoryName} (${registryId}, ${region}).`,
      });
      continue;
    }
    const pinned = `${image.slice(0, image.lastIndexOf(':'))}@${digest}`;
    c.image = pinned;
    (c.dockerLabels ??= {})[`outrigger.io/image-tag`] = tag;
    report.push({ action: 'replaced', pointer: pointer('containerDefinitions', idx, 'image'), source: 'image', reason: `pinned ${tag} to ${digest}` });
    const b = images.find((x) => x.containerName === c.name);
    if (b) b.image = pinned;
  }
}
