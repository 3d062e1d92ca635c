import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { BakeRequest, FieldError } from '@outrigger/contract';
import { InputError } from '@outrigger/runtime';
import type { BakeConfig, BaseImageEntry } from '../config/BakeConfigSchema.js';
import type { BakeRecord } from '../store/BakeRecord.js';
import { bakeKey } from './bakeKey.js';
import { reservedVariableErrors } from './reservedVariables.js';
import { baseLabelErrors, imageNameErrors, type NamePart } from './validateNames.js';
import { resolveTemplateFile } from './resolveTemplateFile.js';

export type BakeProviderName = 'aws' | 'local';

/** Everything needed to run (and dedupe) one bake. */
export interface Recipe {
  provider: BakeProviderName;
  region: string;
  key: string;
  template: string;
  templateContent: string;
  templateDir: string;
  varFiles: string[];
  varFileContents: string[];
  /** Written to the private var-file. */
  variables: Record<string, string>;
  imageName: string;
  baseImage: string;
  application: string;
  artifactMetadata: Record<string, string>;
  /** Values to mask in logs. */
  masked: string[];
  /** Environment for Packer (credentials from bakeryDefaults); never stored. */
  env: Record<string, string>;
  /** aws: the account the bake runs as, when outrigger has accounts. */
  account?: string;
}

export interface RecipeDeps {
  config: BakeConfig;
  /** Operator's directory first, then the shipped templates. */
  templateDirs: string[];
  /** A finished bake by id (layered bakes: `base_ami` names an earlier bake). */
  findBake(id: string): Promise<BakeRecord | undefined>;
  /** Newest image whose name matches `pattern` (EC2 DescribeImages), or undefined. */
  findImageByName(pattern: string, region: string, accountName: string | undefined): Promise<string | undefined>;
  /** The account an aws bake runs as: the named one, else `bake.aws.bakeAccount`, else the first; none without accounts. */
  bakeAccount(requested: string | undefined): { name: string; endpoint?: string | undefined } | undefined;
  now: () => number;
}

const PACKAGE_TOKEN = /^[A-Za-z0-9][A-Za-z0-9.+:~_=@/-]*$/;
const bad = (field: string, message: string) => new InputError('Validation Failed', { errors: [{ field, message }] });

/** Rosco's image name, as parts with the field each came from: `[ami_name or first package]-[arch or all]-[ami_suffix or epoch ms]-[base_os]`. */
export function imageNameParts(req: BakeRequest, packages: string[], now: number): NamePart[] {
  const first = packages[0]?.split(/[=_]/)[0];
  return [
    req.ami_name ? { value: req.ami_name, field: '$.body.ami_name' } : first ? { value: first, field: '$.body.package' } : { value: 'image' },
    { value: 'all' },
    req.ami_suffix ? { value: req.ami_suffix, field: '$.body.ami_suffix' } : { value: String(now) },
    ...(req.base_os ? [{ value: req.base_os, field: '$.body.base_os' }] : []),
  ];
}

function appVersion(req: BakeRequest, packages: string[]): string | undefined {
  const first = packages[0];
  if (!first || !req.build_number) return undefined;
  const [name, version] = first.split(/[=_]/);
  if (!name || !version) return undefined;
  const commit = req.commit_hash ? `.${req.commit_hash.slice(0, 7)}` : '';
  return `${name}-${version}-h${req.build_number}${commit}${req.job ? `/${req.job}/${req.build_number}` : ''}`;
}

function stringify(v: string | number | boolean): string {
  return typeof v === 'string' ? v.trim() : String(v);
}

function entryFor(entries: BaseImageEntry[], baseOs: string | undefined): BaseImageEntry | undefined {
  return baseOs ? entries.find((e) => e.baseImage.id === baseOs) : undefined;
}

/**
 * Request + config → recipe: template and var files (confined to their directories), base image (explicit id, name
 * pattern, earlier bake, or the configured `virtualizationSettings`), Packer variables and the bake key.
 */
export async function resolveRecipe(
  deps: RecipeDeps,
  input: { request: BakeRequest; region: string; provider: BakeProviderName; bakeId: string; runDir: string },
): Promise<Recipe> {
  const { request: req, region, provider, config } = { ...input, config: deps.config };
  const packages = (req.package ?? '').split(/\s+/).filter(Boolean);
  const invalid: FieldError[] = [];
  if (packages.some((p) => !PACKAGE_TOKEN.test(p))) invalid.push({ field: '$.body.package', message: 'package names may contain only letters, digits and . + : ~ _ = @ / -' });
  const nameParts = imageNameParts(req, packages, deps.now());
  if (!invalid.length) invalid.push(...imageNameErrors(provider, nameParts));
  invalid.push(...baseLabelErrors(req.base_label));
  invalid.push(...reservedVariableErrors(provider, req));
  if (invalid.length) throw new InputError('Validation Failed', { errors: invalid });
  const artifactRefs = (req.package_artifacts ?? []).map((a) => a.reference).filter((r): r is string => !!r);
  const defaults = provider === 'aws' ? config.aws.bakeryDefaults : config.local.bakeryDefaults;
  const entry = entryFor(defaults.baseImages, req.base_os);
  if (req.base_os && !entry && !req.base_ami) {
    throw bad('$.body.base_os', `unknown base_os "${req.base_os}"; configured: ${defaults.baseImages.map((e) => e.baseImage.id).join(', ') || '(none)'}`);
  }
  const templateName = req.template_file_name || entry?.baseImage.templateFile || defaults.templateFile;
  const t = resolveTemplateFile(templateName, deps.templateDirs, '$.body.template_file_name');
  const templateContent = readFileSync(t.file, 'utf8');
  const varFiles: string[] = [];
  const varFileContents: string[] = [];
  if (req.var_file_name) {
    const v = resolveTemplateFile(req.var_file_name, deps.templateDirs, '$.body.var_file_name');
    varFiles.push(v.file);
    varFileContents.push(readFileSync(v.file, 'utf8'));
  }
  const imageName = nameParts.map((p) => p.value).join('-');
  const application = (req.ami_name || packages[0]?.split(/[=_]/)[0] || 'image').toLowerCase();
  const packageType = (req.package_type || entry?.baseImage.packageType || 'deb').toLowerCase();
  const vars: Record<string, string | undefined> = {
    bake_id: input.bakeId,
    image_name: imageName,
    packages: [...packages, ...artifactRefs].join(' '),
    package_type: packageType,
    repository: entry?.baseImage.customRepository,
    upgrade: req.upgrade ? 'true' : 'false',
    appversion: appVersion(req, packages),
    build_host: req.build_host,
    build_info_url: req.build_info_url,
    application,
    configDir: t.dir,
  };
  const masked: string[] = [];
  const env: Record<string, string> = {};
  let account: string | undefined;
  let baseImage: string;

  const fromBake = async (id: string): Promise<BakeRecord | undefined> => {
    const b = await deps.findBake(id);
    if (!b) return undefined;
    if (b.state !== 'COMPLETED' || b.result !== 'SUCCESS') throw bad('$.body.base_ami', `bake ${id} did not succeed; it cannot be a base image`);
    if (b.provider !== provider) throw bad('$.body.base_ami', `bake ${id} was a ${b.provider} bake, not ${provider}`);
    return b;
  };

  if (provider === 'local') {
    const layered = req.base_ami ? await fromBake(req.base_ami) : undefined;
    baseImage = layered ? (layered.files[0] ?? layered.imageName ?? layered.id) : req.base_ami || entry?.baseImage.id || 'local';
    const seconds = req.extended_attributes?.bake_seconds;
    if (seconds !== undefined && !/^\d{1,5}(\.\d+)?$/.test(String(seconds))) throw bad('$.body.extended_attributes.bake_seconds', 'expected a number of seconds');
    Object.assign(vars, { region, base_image: baseImage, output_dir: path.join(input.runDir, 'image') });
  } else {
    const aws = config.aws.bakeryDefaults;
    const acct = deps.bakeAccount(req.account_name ?? config.aws.bakeAccount);
    if (req.account_name && acct?.name !== req.account_name) throw bad('$.body.account_name', `no AWS account named "${req.account_name}" in aws.accounts`);
    account = acct?.name;
    const vmType = req.vm_type || aws.defaultVirtualizationType;
    const vs = entry?.virtualizationSettings.find((s) => s.region === region && s.virtualizationType === vmType);
    const source = req.base_ami || vs?.sourceAmi;
    if (!source) {
      throw bad(
        req.base_os ? '$.body.base_os' : '$.body.base_ami',
        `no base image: give base_ami, or configure bake.aws.bakeryDefaults.baseImages[id=${req.base_os ?? '?'}].virtualizationSettings for region ${region}, ${vmType}`,
      );
    }
    const layered = await fromBake(source);
    if (layered) {
      const img = layered.images.find((i) => i.region === region);
      if (!img) throw bad('$.body.base_ami', `bake ${source} has no image in ${region} (it has: ${layered.images.map((i) => i.region).join(', ') || 'none'})`);
      baseImage = img.imageId;
    } else if (/^ami-[0-9a-f]{8,17}$/.test(source)) {
      baseImage = source;
    } else {
      const found = await deps.findImageByName(source, region, account);
      if (!found) throw bad(req.base_ami ? '$.body.base_ami' : '$.body.base_os', `no image named like "${source}" in ${region}`);
      baseImage = found;
    }
    Object.assign(vars, {
      aws_region: region,
      aws_instance_type: req.instance_type || vs?.instanceType,
      aws_source_ami: baseImage,
      aws_target_ami: imageName,
      aws_ssh_username: vs?.sshUserName,
      aws_winrm_username: vs?.winRmUserName,
      aws_spot_price: vs?.spotPrice,
      aws_spot_price_auto_product: vs?.spotPrice === 'auto' ? vs.spotPriceAutoProduct : undefined,
      aws_subnet_id: aws.awsSubnetId,
      aws_vpc_id: aws.awsVpcId,
      aws_associate_public_ip_address: aws.awsAssociatePublicIpAddress === undefined ? undefined : String(aws.awsAssociatePublicIpAddress),
      aws_ena_support: req.enhanced_networking ? 'true' : undefined,
      base_image: req.base_os,
      // Packer talks to the account's endpoint override (LocalStack, a proxy), as outrigger's own clients do.
      aws_endpoint_ec2: acct?.endpoint,
    });
    if (aws.awsAccessKey && aws.awsSecretKey) {
      env.AWS_ACCESS_KEY_ID = aws.awsAccessKey;
      env.AWS_SECRET_ACCESS_KEY = aws.awsSecretKey;
      masked.push(aws.awsAccessKey, aws.awsSecretKey);
    }
  }

  const variables: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars)) if (v !== undefined && v !== '') variables[k] = v;
  for (const [k, v] of Object.entries(req.extended_attributes ?? {})) {
    const s = stringify(v);
    variables[k] = s;
    // Rosco's multi-region templates read copy_to_1..n / share_with_1..n.
    if (k === 'copy_to' || k === 'share_with') {
      s.split(',').map((x) => x.trim()).filter(Boolean).forEach((x, i) => (variables[`${k}_${i + 1}`] = x));
      variables[k] = s.split(',').map((x) => x.trim()).filter(Boolean).join(',');
    }
  }
  for (const name of provider === 'aws' ? config.aws.bakeryDefaults.maskedPackerParameters : []) {
    const v = variables[name];
    if (v) masked.push(v);
  }
  const key = bakeKey({ provider, region, templateContent, varFileContents, variables, baseImage, ...(account ? { account } : {}) });
  return {
    provider,
    region,
    key,
    template: t.file,
    templateContent,
    templateDir: t.dir,
    varFiles,
    varFileContents,
    variables,
    imageName,
    baseImage,
    application,
    artifactMetadata: {
      ...(req.build_info_url ? { build_info_url: req.build_info_url } : {}),
      ...(req.build_number ? { build_number: req.build_number } : {}),
    },
    masked,
    env,
    ...(account ? { account } : {}),
  };
}
