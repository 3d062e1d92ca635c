import { describe, expect, it } from 'vitest';
import { bindImages, imageRepository, isPlaceholderImage, resolveImageDescription, type ImageBindingInput } from './bindImages.js';
import type { Finding, ReportEntry, TaskDefinition } from './types.js';

const td = (): TaskDefinition => ({
  family: 'x',
  containerDefinitions: [
    { name: 'web', image: 'PLACEHOLDER' },
    { name: 'worker', image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/worker:latest' },
    { name: 'sidecar', image: 'public.ecr.aws/datadog/agent:7' },
  ],
});

function run(input: ImageBindingInput, def: TaskDefinition = td()) {
  const findings: Finding[] = [];
  const report: ReportEntry[] = [];
  const bindings = bindImages(def, input, findings, report);
  return { def, findings, report, bindings, images: Object.fromEntries(def.containerDefinitions.map((c) => [c.name, c.image])) };
}

const ECR = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

describe('bindImages: sources', () => {
  const cases: [string, { given: ImageBindingInput; images: Record<string, string>; sources: Record<string, string> }][] = [
    [
      'clouddriver containerToImageMap',
      { given: { containerToImageMap: { web: 'nginx:1.27' } }, images: { web: 'nginx:1.27' }, sources: { web: 'containerToImageMap', sidecar: 'kept' } },
    ],
    [
      'containerMappings with an explicit imageId',
      {
        given: { containerMappings: [{ containerName: 'web', imageDescription: { imageId: `${ECR}/web@sha256:${'a'.repeat(64)}` } }] },
        images: { web: `${ECR}/web@sha256:${'a'.repeat(64)}` },
        sources: { web: 'containerMappings' },
      },
    ],
    [
      'containerMappings with registry/repository/tag',
      {
        given: { containerMappings: [{ containerName: 'web', imageDescription: { registry: ECR, repository: 'web', tag: '1.2.3' } }] },
        images: { web: `${ECR}/web:1.2.3` },
        sources: { web: 'containerMappings' },
      },
    ],
    [
      'containerMappings fromTrigger: the docker trigger tag wins',
      {
        given: {
          containerMappings: [{ containerName: 'web', imageDescription: { fromTrigger: true, account: 'ecr', registry: ECR, repository: 'web', tag: 'old' } }],
          context: { trigger: { type: 'docker', account: 'ecr', repository: 'web', tag: '2.0.0' } },
        },
        images: { web: `${ECR}/web:2.0.0` },
        sources: { web: 'containerMappings' },
      },
    ],
    [
      'containerMappings fromContext: the upstream stage digest, not the label',
      {
        given: {
          containerMappings: [{ containerName: 'web', imageDescription: { fromContext: true, stageId: 'find', imageLabelOrSha: `${ECR}/web:latest`, imageId: `${ECR}/web:latest` } }],
          context: { stages: [{ refId: 'find', context: { amiDetails: [{ imageId: `${ECR}/web@sha256:${'b'.repeat(64)}` }] } }] },
        },
        images: { web: `${ECR}/web@sha256:${'b'.repeat(64)}` },
        sources: { web: 'containerMappings' },
      },
    ],
    [
      'docker/image artifact bound by repository (tag in the artifact is replaced)',
      {
        given: { containerToImageMap: { web: 'nginx:1' }, artifacts: [{ type: 'docker/image', name: `${ECR}/worker`, reference: `${ECR}/worker:3.1.0` }] },
        images: { worker: `${ECR}/worker:3.1.0` },
        sources: { worker: 'artifact' },
      },
    ],
    [
      'docker/image artifact with Docker Hub short names',
      {
        given: {
          containerToImageMap: { web: 'nginx:1' },
          artifacts: [{ type: 'docker/image', name: 'docker.io/datadog/agent', reference: 'docker.io/datadog/agent:7.50' }],
        },
        images: { sidecar: 'public.ecr.aws/datadog/agent:7' },
        sources: { sidecar: 'kept' },
      },
    ],
    [
      'docker/image artifact bound by an explicit rule to a placeholder container',
      {
        given: {
          artifacts: [
            { type: 'docker/image', name: `${ECR}/web`, reference: `${ECR}/web:9` },
            { type: 'github/file', name: 'td.json', reference: 'x' },
          ],
          imageArtifactRules: [{ containerName: 'web', artifactName: `${ECR}/web` }],
        },
        images: { web: `${ECR}/web:9` },
        sources: { web: 'artifact-rule' },
      },
    ],
    [
      'an unrelated docker/image artifact is ignored',
      {
        given: { containerToImageMap: { web: 'nginx:1' }, artifacts: [{ type: 'docker/image', name: 'ghcr.io/other/thing', reference: 'ghcr.io/other/thing:1' }] },
        images: { web: 'nginx:1', worker: `${ECR}/worker:latest` },
        sources: { worker: 'kept' },
      },
    ],
    [
      'an explicit mapping wins over a docker/image artifact of the same repository',
      {
        given: {
          containerToImageMap: { web: 'nginx:1', worker: `${ECR}/worker:pinned` },
          artifacts: [{ type: 'docker/image', name: `${ECR}/worker`, reference: `${ECR}/worker:3.1.0` }],
        },
        images: { worker: `${ECR}/worker:pinned` },
        sources: { worker: 'containerToImageMap' },
      },
    ],
    [
      'keepImage allows a placeholder-looking image to stay',
      { given: { keepImage: ['web'] }, images: { web: 'PLACEHOLDER' }, sources: { web: 'kept' } },
    ],
    [
      'two sources agreeing on the same image are fine',
      {
        given: { containerToImageMap: { web: 'nginx:1' }, containerMappings: [{ containerName: 'web', imageDescription: { imageId: 'nginx:1' } }] },
        images: { web: 'nginx:1' },
        sources: { web: 'containerToImageMap' },
      },
    ],
  ];
  it.each(cases)('%s', (_name, want) => {
    const r = run(want.given);
    expect(r.findings).toEqual([]);
    expect(r.images).toMatchObject(want.images);
    const sources = Object.fromEntries(r.bindings.map((b) => [b.containerName, b.source]));
    expect(sources).toMatchObject(want.sources);
  });

  it('reports each replaced image with the request pointer it came from', () => {
    const r = run({ containerToImageMap: { web: 'nginx:1' } });
    expect(r.report).toEqual([{ action: 'replaced', pointer: '/containerDefinitions/0/image', source: 'image', reason: 'from /containerToImageMap/web' }]);
  });

  it('records the artifact a binding came from', () => {
    const r = run({ containerToImageMap: { web: 'nginx:1' }, artifacts: [{ type: 'docker/image', name: `${ECR}/worker`, reference: `${ECR}/worker:3` }] });
    expect(r.bindings.find((b) => b.containerName === 'worker')).toEqual({
      containerName: 'worker',
      image: `${ECR}/worker:3`,
      source: 'artifact',
      artifact: { name: `${ECR}/worker`, reference: `${ECR}/worker:3` },
    });
  });
});

describe('bindImages: errors name the container and the pointer', () => {
  const dup: TaskDefinition = { containerDefinitions: [{ name: 'a', image: 'x:1' }, { name: 'a', image: 'y:1' }] };
  const twoSame: TaskDefinition = { containerDefinitions: [{ name: 'a', image: 'repo/app:1' }, { name: 'b', image: 'repo/app:2' }] };
  const cases: [string, { given: ImageBindingInput; def?: TaskDefinition; want: Partial<Finding>[] }][] = [
    [
      'mapping to a container that does not exist',
      {
        given: { containerToImageMap: { web: 'nginx:1', api: 'nginx:1' } },
        want: [{ code: 'IMAGE_MAPPING_MATCH', pointer: '/containerToImageMap/api', container: 'api', message: "Invalid number of matching containers found for mapping 'api'. Have 0 but expected 1." }],
      },
    ],
    [
      'mapping to a duplicated container name',
      {
        def: dup,
        given: { containerToImageMap: { a: 'nginx:1' } },
        want: [{ code: 'IMAGE_MAPPING_MATCH', pointer: '/containerToImageMap/a', message: "Invalid number of matching containers found for mapping 'a'. Have 2 but expected 1." }],
      },
    ],
    [
      'placeholder left unmapped',
      {
        given: {},
        want: [
          {
            code: 'IMAGE_PLACEHOLDER',
            in: 'taskDefinition',
            pointer: '/containerDefinitions/0/image',
            container: 'web',
            message: "Container 'web' still has the placeholder image 'PLACEHOLDER'; map a pipeline image to it or list it in keepImage.",
          },
        ],
      },
    ],
    [
      'missing image',
      {
        def: { containerDefinitions: [{ name: 'a' }] },
        given: {},
        want: [{ code: 'IMAGE_MISSING', pointer: '/containerDefinitions/0/image', container: 'a', message: "Container 'a' has no image and no mapping binds one." }],
      },
    ],
    [
      'template expression left in the image',
      {
        def: { containerDefinitions: [{ name: 'a', image: '${IMAGE}' }] },
        given: {},
        want: [{ code: 'IMAGE_PLACEHOLDER', container: 'a' }],
      },
    ],
    [
      'two sources disagreeing',
      {
        given: { containerToImageMap: { web: 'nginx:1' }, containerMappings: [{ containerName: 'web', imageDescription: { imageId: 'nginx:2' } }] },
        want: [
          {
            code: 'IMAGE_CONFLICT',
            pointer: '/containerMappings/0',
            container: 'web',
            message: "Container 'web' is bound to 'nginx:1' by /containerToImageMap/web and to 'nginx:2' by /containerMappings/0.",
          },
        ],
      },
    ],
    [
      'invalid image reference',
      {
        given: { containerToImageMap: { web: 'Not An Image' } },
        want: [
          { code: 'IMAGE_INVALID', message: "Image 'Not An Image' for container 'web' is not a valid image reference." },
          { code: 'IMAGE_PLACEHOLDER', container: 'web' },
        ],
      },
    ],
    [
      'fromTrigger without a tag anywhere',
      {
        given: { containerMappings: [{ containerName: 'web', imageDescription: { fromTrigger: true, registry: ECR, repository: 'web' } }], context: { trigger: { type: 'manual' } } },
        want: [
          { code: 'IMAGE_UNRESOLVED', pointer: '/containerMappings/0/imageDescription', container: 'web', message: `No tag found for image ${ECR}/web in trigger context.` },
          { code: 'IMAGE_PLACEHOLDER' },
        ],
      },
    ],
    [
      'fromContext without the stage',
      {
        given: { containerMappings: [{ containerName: 'web', imageDescription: { fromContext: true, stageId: 'x', imageLabelOrSha: 'web:latest' } }] },
        want: [{ code: 'IMAGE_UNRESOLVED', message: 'No image stage found in context for web:latest.' }, { code: 'IMAGE_PLACEHOLDER' }],
      },
    ],
    [
      'imageDescription with nothing usable',
      {
        given: { containerMappings: [{ containerName: 'web', imageDescription: {} }] },
        want: [{ code: 'IMAGE_UNRESOLVED', message: 'The imageDescription has neither imageId nor repository and tag.' }, { code: 'IMAGE_PLACEHOLDER' }],
      },
    ],
    [
      'docker/image artifact matching two containers by repository',
      {
        def: twoSame,
        given: { artifacts: [{ type: 'docker/image', name: 'repo/app', reference: 'repo/app:3' }] },
        want: [
          {
            code: 'IMAGE_ARTIFACT_AMBIGUOUS',
            pointer: '/artifacts/0',
            message: "docker/image artifact 'repo/app' matches containers 'a', 'b' by repository; add an imageArtifactRule.",
          },
        ],
      },
    ],
    [
      'rule naming an artifact that is not there',
      {
        given: { containerToImageMap: { web: 'nginx:1' }, imageArtifactRules: [{ containerName: 'worker', artifactName: 'x/y' }] },
        want: [
          {
            code: 'IMAGE_ARTIFACT_MATCH',
            pointer: '/imageArtifactRules/0',
            message: "Rule for container 'worker' matches 0 docker/image artifacts named 'x/y'; expected 1.",
          },
        ],
      },
    ],
    [
      'keepImage naming an unknown container',
      {
        given: { containerToImageMap: { web: 'nginx:1' }, keepImage: ['nope'] },
        want: [{ code: 'KEEP_IMAGE_UNKNOWN_CONTAINER', pointer: '/keepImage/0', message: "keepImage names container 'nope', which is not in the task definition." }],
      },
    ],
  ];
  it.each(cases)('%s', (_name, want) => {
    const r = run(want.given, want.def ?? td());
    expect(r.findings).toHaveLength(want.want.length);
    want.want.forEach((w, i) => expect(r.findings[i]).toMatchObject({ severity: 'error', ...w }));
  });
});

describe('image helpers', () => {
  it.each([
    ['nginx', 'nginx'],
    ['nginx:1.2', 'nginx'],
    ['localhost:5000/a/b:tag', 'localhost:5000/a/b'],
    [`${ECR}/web@sha256:${'c'.repeat(64)}`, `${ECR}/web`],
    [`${ECR}/web:1@sha256:${'c'.repeat(64)}`, `${ECR}/web`],
  ])('imageRepository(%s) = %s', (image, repo) => expect(imageRepository(image)).toBe(repo));
  it.each([
    ['PLACEHOLDER', true],
    ['placeholder', true],
    ['', true],
    ['<image>', true],
    ['{{ image }}', true],
    [undefined, true],
    ['nginx:1', false],
  ])('isPlaceholderImage(%s) = %s', (image, want) => expect(isPlaceholderImage(image)).toBe(want));
  it('fromTrigger falls back to a trigger docker/image artifact of the same repository', () => {
    expect(
      resolveImageDescription(
        { fromTrigger: true, registry: ECR, repository: 'web' },
        { trigger: { artifacts: [{ type: 'docker/image', name: `${ECR}/web`, reference: `${ECR}/web:7` }] } },
      ),
    ).toEqual({ image: `${ECR}/web:7` });
  });
});
