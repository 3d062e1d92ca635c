import type { Artifact, Bake, BakeStatus } from '@outrigger/contract';
import type { BakeRecord } from '../store/BakeRecord.js';

/** Pure: Rosco's BakeStatus of a record (`queuePosition` only while queued). */
export function toBakeStatus(b: BakeRecord, queuePosition: number | undefined): BakeStatus {
  return {
    id: b.id,
    state: b.state,
    ...(b.result ? { result: b.result } : {}),
    resource_id: b.id,
    ...(queuePosition !== undefined ? { queue_position: queuePosition } : {}),
    ...(b.message ? { message: b.message } : {}),
    created_timestamp: b.createdMs,
    updated_timestamp: b.updatedMs,
  };
}

/** Pure: the kork artifacts a finished bake produced (one `aws/image` per region, or one `local/image`). */
export function toArtifacts(b: BakeRecord): Artifact[] {
  const metadata = b.recipe.artifactMetadata;
  if (b.provider === 'aws') {
    return b.images.map((i) => ({ type: 'aws/image', name: b.imageName ?? '', location: i.region, reference: i.imageId, uuid: b.id, metadata }));
  }
  return [{ type: 'local/image', name: b.imageName ?? '', location: b.region, reference: b.files[0] ?? b.imageName ?? b.id, uuid: b.id, metadata }];
}

/** Pure: Rosco's Bake of a successful record, with the artifact of the path region. */
export function toBake(b: BakeRecord, region: string): Bake {
  const artifacts = toArtifacts(b);
  const artifact = artifacts.find((a) => a.location === region) ?? artifacts.find((a) => a.location === b.region) ?? artifacts[0];
  return {
    id: b.id,
    ...(b.provider === 'aws' && artifact?.reference ? { ami: artifact.reference } : {}),
    ...(b.imageName ? { image_name: b.imageName } : {}),
    ...(b.baseImage ? { base_ami: b.baseImage } : {}),
    regions: b.provider === 'aws' ? b.images.map((i) => i.region) : [b.region],
    ...(artifact ? { artifact } : {}),
    artifacts,
  };
}
