import { createHash } from 'node:crypto';

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Variables that name this particular run rather than what is baked; they are left out of the key. */
const PER_RUN = new Set(['bake_id', 'output_dir', 'image_name', 'aws_target_ami']);

/**
 * The bake key over the effective inputs: provider, region, template and var-file contents, every Packer variable
 * (extended attributes included, the image name and run paths excluded) and the resolved base image.
 */
export function bakeKey(input: {
  provider: string;
  region: string;
  templateContent: string;
  varFileContents: string[];
  variables: Record<string, string>;
  baseImage: string;
  /** aws: the account the image is baked in (the same recipe in two accounts is two images). */
  account?: string;
}): string {
  const vars = Object.keys(input.variables)
    .filter((k) => !PER_RUN.has(k))
    .sort()
    .map((k) => [k, input.variables[k]]);
  const canonical = JSON.stringify({
    provider: input.provider,
    region: input.region,
    template: sha256(input.templateContent),
    varFiles: input.varFileContents.map(sha256),
    vars,
    base: input.baseImage,
    ...(input.account ? { account: input.account } : {}),
  });
  return `bake:${input.provider}:${input.region}:${sha256(canonical).slice(0, 32)}`;
}
