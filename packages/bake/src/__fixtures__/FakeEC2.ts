import { EC2ServiceException } from '@aws-sdk/client-ec2';

export interface FakeImage {
  ImageId: string;
  Name: string;
  CreationDate: string;
  OwnerId?: string;
  State?: string;
  Tags?: { Key: string; Value: string }[];
  BlockDeviceMappings?: { DeviceName: string; Ebs?: { SnapshotId: string } }[];
}

const wildcard = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);

/**
 * A stateful EC2 behind the SDK client boundary: images (with tags and snapshots), instances and launch templates,
 * dispatching on the command class name, failing with the SDK's own exception class.
 */
export class FakeEC2 {
  images: FakeImage[] = [];
  snapshots = new Set<string>();
  instances: { InstanceId: string; ImageId: string; State: string; Tags: { Key: string; Value: string }[]; SecurityGroups?: { GroupId: string; GroupName: string }[] }[] = [];
  securityGroups = new Set<string>();
  keyPairs = new Set<string>();
  launchTemplateImages: string[] = [];
  calls: string[] = [];

  async send(command: { constructor: { name: string }; input: any }): Promise<any> {
    const name = command.constructor.name;
    this.calls.push(name);
    const input = command.input;
    switch (name) {
      case 'DescribeImagesCommand': {
        let images = this.images.filter((i) => (i.State ?? 'available') === 'available');
        for (const f of input.Filters ?? []) {
          if (f.Name === 'name') images = images.filter((i) => f.Values.some((v: string) => wildcard(v).test(i.Name)));
          if (f.Name?.startsWith('tag:')) images = images.filter((i) => i.Tags?.some((t) => t.Key === f.Name.slice(4) && f.Values.includes(t.Value)));
        }
        if (input.ImageIds) images = images.filter((i) => input.ImageIds.includes(i.ImageId));
        return { Images: images.map((i) => ({ ...i })) };
      }
      case 'DescribeInstancesCommand': {
        let inst = this.instances;
        for (const f of input.Filters ?? []) {
          if (f.Name === 'image-id') inst = inst.filter((i) => f.Values.includes(i.ImageId));
          if (f.Name === 'instance-state-name') inst = inst.filter((i) => f.Values.includes(i.State));
          if (f.Name?.startsWith('tag:')) inst = inst.filter((i) => i.Tags.some((t) => t.Key === f.Name.slice(4) && f.Values.includes(t.Value)));
          if (f.Name === 'tag-key') inst = inst.filter((i) => i.Tags.some((t) => f.Values.includes(t.Key)));
        }
        return { Reservations: inst.length ? [{ Instances: inst.map((i) => ({ InstanceId: i.InstanceId, ImageId: i.ImageId, State: { Name: i.State }, Tags: i.Tags, SecurityGroups: i.SecurityGroups ?? [] })) }] : [] };
      }
      case 'TerminateInstancesCommand':
        for (const id of input.InstanceIds) {
          const i = this.instances.find((x) => x.InstanceId === id);
          if (i) i.State = 'terminated';
        }
        return {};
      case 'DescribeKeyPairsCommand':
        return {
          KeyPairs: [...this.keyPairs]
            .filter((k) => (input.Filters ?? []).every((f: { Name: string; Values: string[] }) => f.Name !== 'key-name' || f.Values.some((v) => wildcard(v).test(k))))
            .map((KeyName) => ({ KeyName })),
        };
      case 'DeleteSecurityGroupCommand': {
        if (!this.securityGroups.has(input.GroupId)) {
          throw new EC2ServiceException({ name: 'InvalidGroup.NotFound', $fault: 'client', message: `The security group '${input.GroupId}' does not exist`, $metadata: { httpStatusCode: 400 } });
        }
        // Like EC2: a group used by an instance that is not terminated yet cannot be deleted.
        if (this.instances.some((i) => i.State !== 'terminated' && i.SecurityGroups?.some((g) => g.GroupId === input.GroupId))) {
          throw new EC2ServiceException({ name: 'DependencyViolation', $fault: 'client', message: `resource ${input.GroupId} has a dependent object`, $metadata: { httpStatusCode: 400 } });
        }
        this.securityGroups.delete(input.GroupId);
        return {};
      }
      case 'DeleteKeyPairCommand':
        this.keyPairs.delete(input.KeyName);
        return {};
      case 'DescribeLaunchTemplateVersionsCommand':
        return { LaunchTemplateVersions: this.launchTemplateImages.map((ImageId, n) => ({ LaunchTemplateId: `lt-${n}`, LaunchTemplateData: { ImageId } })) };
      case 'DeregisterImageCommand': {
        const before = this.images.length;
        this.images = this.images.filter((i) => i.ImageId !== input.ImageId);
        if (before === this.images.length) {
          throw new EC2ServiceException({ name: 'InvalidAMIID.NotFound', $fault: 'client', message: `The image id '[${input.ImageId}]' does not exist`, $metadata: { httpStatusCode: 400 } });
        }
        return {};
      }
      case 'DeleteSnapshotCommand':
        this.snapshots.delete(input.SnapshotId);
        return {};
      default:
        throw new Error(`FakeEC2: ${name} is not faked`);
    }
  }
}
