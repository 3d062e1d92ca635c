import type { components } from '@outrigger/contract';
import { isRecord, pointer, type Finding, type ReportEntry, type TaskDefinition } from './types.js';

/** Orca/Deck `imageDescription` (ecs-artifacts.md §3), as the contract defines it. */
export type ImageDescription = components['schemas']['EcsImageDescription'];

export interface ContainerMapping {
  containerName: string;
  imageDescription: ImageDescription;
}

/** A Spinnaker artifact (kork shape); only `docker/image` ones bind images. */
export interface ArtifactRef {
  type: string;
  name?: string;
  reference?: string;
  version?: string;
  artifactAccount?: string;
  [key: string]: unknown;
}

/** Binds a `docker/image` artifact to a container explicitly (otherwise binding is by repository). */
export interface ImageArtifactRule {
  containerName: string;
  /** The artifact's `name` (repository) to bind; exactly one bound docker/image artifact must have it. */
  artifactName: string;
}

/** What the pipeline knows when a stage runs: enough of the execution to resolve `fromTrigger`/`fromContext`. */
export interface ImageContext {
  trigger?: { type?: string; account?: string; repository?: string; registry?: string; tag?: string; artifacts?: ArtifactRef[] };
  /** Upstream stages: `{refId, context: {amiDetails: [{imageId}]}}` (Find Image from Tags, Bake). */
  stages?: { refId?: string; context?: Record<string, unknown> }[];
}

export interface ImageBindingInput {
  /** clouddriver's map containerName → image. */
  containerToImageMap?: Record<string, string>;
  /** Orca/Deck's mappings with an `imageDescription` each. */
  containerMappings?: ContainerMapping[];
  /** Artifacts available to the stage (trigger and upstream); `docker/image` ones bind by repository or by a rule. */
  artifacts?: ArtifactRef[];
  imageArtifactRules?: ImageArtifactRule[];
  /** Containers allowed to keep the image written in the artifact (e.g. a pinned sidecar). */
  keepImage?: string[];
  context?: ImageContext;
}

/** Where each container's image came from, for the render report and provenance labels. */
export interface ImageBinding {
  containerName: string;
  image: string;
  source: 'containerToImageMap' | 'containerMappings' | 'artifact' | 'artifact-rule' | 'kept';
  artifact?: { name?: string; reference?: string };
}

const PLACEHOLDER = /^(placeholder|<.*>|\$\{.*\}|\{\{.*\}\}|todo|changeme|replace[-_ ]?me)?$/i;
// registry[:port]/path[:tag][@algo:hex] — lowercase path components per the distribution spec.
const IMAGE_REF = /^(?:[a-zA-Z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:[._-]+[a-z0-9]+|__)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-fA-F0-9]{32,})?$/;

/** `registry/repo:tag@sha256:…` → `registry/repo`. */
export function imageRepository(image: string): string {
  let rest = image.split('@')[0]!;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) rest = rest.slice(0, colon);
  return rest;
}

/** Docker Hub short names: `nginx` ≡ `docker.io/library/nginx`. */
function canonicalRepository(repo: string): string {
  const parts = repo.split('/');
  const hasRegistry = parts.length > 1 && /[.:]|^localhost$/.test(parts[0]!);
  if (!hasRegistry) return 'docker.io/' + (parts.length === 1 ? 'library/' + repo : repo);
  if (parts[0] === 'index.docker.io' || parts[0] === 'registry-1.docker.io') return ['docker.io', ...parts.slice(1)].join('/');
  return repo;
}

export function isPlaceholderImage(image: unknown): boolean {
  return typeof image !== 'string' || PLACEHOLDER.test(image.trim());
}

/**
 * Resolves Orca's `imageDescription` the way Orca's EcsServerGroupCreator does (§3), but in every execution type
 * and with the resolved digest rather than the Find-Image label.
 */
export function resolveImageDescription(desc: ImageDescription, context: ImageContext | undefined): { image: string } | { error: string } {
  if (desc.fromContext) {
    const stage = context?.stages?.find((s) => s.refId === desc.stageId);
    const details = stage?.context?.amiDetails;
    const first = Array.isArray(details) ? details[0] : undefined;
    if (isRecord(first) && typeof first.imageId === 'string' && first.imageId) return { image: first.imageId };
    return { error: `No image stage found in context for ${desc.imageLabelOrSha ?? desc.stageId ?? '(no label)'}.` };
  }
  const name = desc.registry ? `${desc.registry}/${desc.repository ?? ''}` : (desc.repository ?? '');
  if (desc.fromTrigger) {
    let tag = desc.tag;
    const trigger = context?.trigger;
    if (trigger && trigger.repository === desc.repository && (desc.account === undefined || trigger.account === desc.account) && trigger.tag) {
      tag = trigger.tag;
    }
    if (!tag) {
      // A docker/image artifact of the trigger for the same repository carries the tag or digest too.
      const art = trigger?.artifacts?.find(
        (a) => a.type === 'docker/image' && typeof a.name === 'string' && canonicalRepository(a.name) === canonicalRepository(name) && a.reference,
      );
      if (art?.reference) return { image: art.reference };
      return { error: `No tag found for image ${name} in trigger context.` };
    }
    return { image: `${name}:${tag}` };
  }
  if (desc.imageId) return { image: desc.imageId };
  if (desc.repository && desc.tag) return { image: `${name}:${desc.tag}` };
  return { error: 'The imageDescription has neither imageId nor repository and tag.' };
}

/**
 * Puts pipeline images into containers by name, from every source Spinnaker uses, and checks that afterwards every
 * container has a concrete image. Mutates `td` (the caller passes its own copy).
 */
export function bindImages(td: TaskDefinition, input: ImageBindingInput, findings: Finding[], report: ReportEntry[]): ImageBinding[] {
  const bindings = new Map<string, ImageBinding & { at: string }>();
  const containers = td.containerDefinitions;

  const err = (code: string, at: string, message: string, container?: string) =>
    findings.push({ severity: 'error', code, in: 'request', pointer: at, message, ...(container ? { container } : {}) });

  const bind = (name: string, image: string, source: ImageBinding['source'], at: string, artifact?: ImageBinding['artifact']) => {
    const matches = containers.map((c, idx) => ({ c, idx })).filter(({ c }) => c.name === name);
    if (matches.length !== 1) {
      err('IMAGE_MAPPING_MATCH', at, `Invalid number of matching containers found for mapping '${name}'. Have ${matches.length} but expected 1.`, name);
      return;
    }
    if (!IMAGE_REF.test(image)) {
      err('IMAGE_INVALID', at, `Image '${image}' for container '${name}' is not a valid image reference.`, name);
      return;
    }
    const prev = bindings.get(name);
    if (prev && prev.image !== image) {
      err('IMAGE_CONFLICT', at, `Container '${name}' is bound to '${prev.image}' by ${prev.at} and to '${image}' by ${at}.`, name);
      return;
    }
    if (prev) return; // the same image from a second source: keep the first provenance
    bindings.set(name, { containerName: name, image, source, at, ...(artifact ? { artifact } : {}) });
  };

  for (const [name, image] of Object.entries(input.containerToImageMap ?? {})) {
    bind(name, image, 'containerToImageMap', pointer('containerToImageMap', name));
  }
  (input.containerMappings ?? []).forEach((m, idx) => {
    const at = pointer('containerMappings', idx);
    const resolved = resolveImageDescription(m.imageDescription ?? {}, input.context);
    if ('error' in resolved) err('IMAGE_UNRESOLVED', at + '/imageDescription', resolved.error, m.containerName);
    else bind(m.containerName, resolved.image, 'containerMappings', at);
  });

  const dockerArtifacts = (input.artifacts ?? [])
    .map((a, idx) => ({ a, idx }))
    .filter(({ a }) => a.type === 'docker/image' && typeof a.reference === 'string' && a.reference !== '');
  const ruled = new Set<string>();
  (input.imageArtifactRules ?? []).forEach((rule, idx) => {
    const at = pointer('imageArtifactRules', idx);
    const hits = dockerArtifacts.filter(({ a }) => a.name === rule.artifactName || (a.name && canonicalRepository(a.name) === canonicalRepository(rule.artifactName)));
    if (hits.length !== 1) {
      err('IMAGE_ARTIFACT_MATCH', at, `Rule for container '${rule.containerName}' matches ${hits.length} docker/image artifacts named '${rule.artifactName}'; expected 1.`, rule.containerName);
      return;
    }
    const a = hits[0]!.a;
    ruled.add(rule.containerName);
    bind(rule.containerName, a.reference!, 'artifact-rule', at, { name: a.name, reference: a.reference });
  });
  for (const { a, idx } of dockerArtifacts) {
    const repo = canonicalRepository(a.name ?? imageRepository(a.reference!));
    // Explicit bindings (maps, mappings, rules) win over the implicit repository match.
    const matches = containers.filter(
      (c) => c.name && !ruled.has(c.name) && !bindings.has(c.name) && typeof c.image === 'string' && !isPlaceholderImage(c.image) && canonicalRepository(imageRepository(c.image)) === repo,
    );
    if (matches.length === 0) continue; // an artifact for something else in the pipeline
    if (matches.length > 1) {
      err(
        'IMAGE_ARTIFACT_AMBIGUOUS',
        pointer('artifacts', idx),
        `docker/image artifact '${a.name}' matches containers ${matches.map((c) => `'${c.name}'`).join(', ')} by repository; add an imageArtifactRule.`,
      );
      continue;
    }
    bind(matches[0]!.name!, a.reference!, 'artifact', pointer('artifacts', idx), { name: a.name, reference: a.reference });
  }

  const keep = new Set(input.keepImage ?? []);
  (input.keepImage ?? []).forEach((name, idx) => {
    if (!containers.some((c) => c.name === name)) {
      err('KEEP_IMAGE_UNKNOWN_CONTAINER', pointer('keepImage', idx), `keepImage names container '${name}', which is not in the task definition.`, name);
    }
  });

  const result: ImageBinding[] = [];
  containers.forEach((c, idx) => {
    const name = c.name ?? `#${idx}`;
    const b = c.name ? bindings.get(c.name) : undefined;
    if (b) {
      if (c.image !== b.image) {
        report.push({ action: c.image === undefined ? 'set' : 'replaced', pointer: pointer('containerDefinitions', idx, 'image'), source: 'image', reason: `from ${b.at}` });
      }
      c.image = b.image;
      const { at: _at, ...binding } = b;
      result.push(binding);
      return;
    }
    if (keep.has(name) && typeof c.image === 'string' && c.image !== '') {
      result.push({ containerName: name, image: c.image, source: 'kept' });
      return;
    }
    const at = pointer('containerDefinitions', idx, 'image');
    if (c.image === undefined || c.image === '') {
      findings.push({ severity: 'error', code: 'IMAGE_MISSING', in: 'taskDefinition', pointer: at, container: name, message: `Container '${name}' has no image and no mapping binds one.` });
    } else if (isPlaceholderImage(c.image)) {
      findings.push({
        severity: 'error',
        code: 'IMAGE_PLACEHOLDER',
        in: 'taskDefinition',
        pointer: at,
        container: name,
        message: `Container '${name}' still has the placeholder image '${c.image}'; map a pipeline image to it or list it in keepImage.`,
      });
    } else {
      // A concrete image the pipeline does not manage (a sidecar pinned in the artifact) stays as written.
      result.push({ containerName: name, image: c.image, source: 'kept' });
    }
  });
  return result;
}
