import type { z } from 'zod';
import type { FieldError, LambdaOperationName, lambdaDescriptionSchemas } from '@outrigger/contract';
import { ARTIFACT_TYPES, parseS3Reference } from './aws/resolveCode.js';
import { KNOWN_RUNTIMES } from './listRuntimes.js';

const ROLE = /^arn:aws[a-zA-Z-]*:iam::\d{12}:role\/[\w+=,.@\-/]+$/;
const ARN = /^arn:aws[a-zA-Z-]*:[a-zA-Z0-9_.-]+:/;
const BUCKET = /^[0-9A-Za-z][0-9A-Za-z.-]{1,61}[0-9A-Za-z]$/;
const FUNCTION_NAME = /^[a-zA-Z0-9-_]{1,64}$/;
const TG_NAME = /^[a-zA-Z0-9-]{1,32}$/;

type Any = z.infer<(typeof lambdaDescriptionSchemas)[LambdaOperationName]> & Record<string, unknown>;

/**
 * Server-side validation clouddriver never had: what AWS would reject (or Orca would trip over later) is a 400 naming
 * the field, before a task exists. `at` is the description's JSON path (`$.body` or `$.body[0].createLambdaFunction`).
 */
export function validateDescription(op: LambdaOperationName, d: Any, functionName: string, at: string, options: { clouddriverArtifacts: boolean }): FieldError[] {
  const errors: FieldError[] = [];
  const err = (field: string, message: string) => errors.push({ field: `${at}.${field}`, message });
  const s = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : undefined);

  if (!FUNCTION_NAME.test(functionName)) err('functionName', `the function name "${functionName}" (after the application prefix) must be 1-64 letters, digits, - or _`);
  const artifact = d.artifact as { type: string; reference?: string | null } | null | undefined;
  const payloadArtifact = d.payloadArtifact as { type: string; reference?: string | null } | null | undefined;
  for (const [name, a] of [['artifact', artifact], ['payloadArtifact', payloadArtifact]] as const) {
    if (!a) continue;
    if (name === 'payloadArtifact' && a.type === 'docker/image') err(`${name}.type`, 'a docker/image cannot be a payload');
    else if (!(ARTIFACT_TYPES as readonly string[]).includes(a.type) && !options.clouddriverArtifacts)
      err(`${name}.type`, `unsupported artifact type ${a.type}; use s3/object, http/file or embedded/base64${name === 'artifact' ? ' (or docker/image)' : ''}, or set clouddriver.baseUrl to fetch other types through clouddriver`);
    if (!a.reference && (ARTIFACT_TYPES as readonly string[]).includes(a.type)) err(`${name}.reference`, 'an artifact reference is required');
    else if (a.type === 's3/object' && !parseS3Reference(a.reference ?? '')) err(`${name}.reference`, 'expected s3://bucket/key');
    else if (a.type === 'http/file' && !/^https?:\/\//.test(a.reference ?? '')) err(`${name}.reference`, 'expected an http(s) URL');
  }
  if (s('role') !== undefined && !ROLE.test(s('role')!)) err('role', 'Invalid role. Role ARN must match arn:aws:iam::<12 digits>:role/<name>');
  if (s('runtime') !== undefined && !KNOWN_RUNTIMES.has(s('runtime')!)) err('runtime', `unknown runtime ${s('runtime')}; see GET /functions/runtimes`);
  if (s('s3bucket') !== undefined && !BUCKET.test(s('s3bucket')!)) err('s3bucket', 'not a valid S3 bucket name');
  if ((s('s3bucket') === undefined) !== (s('s3key') === undefined) && (op === 'createLambdaFunction' || op === 'updateLambdaFunctionCode'))
    err(s('s3bucket') === undefined ? 's3bucket' : 's3key', 's3bucket and s3key go together');
  for (const [i, l] of ((d.layers as string[] | null | undefined) ?? []).entries()) if (!ARN.test(l)) err(`layers[${i}]`, 'expected a layer version ARN');
  const dlq = (d.deadLetterConfig as { targetArn?: string | null } | null | undefined)?.targetArn;
  if (dlq && !ARN.test(dlq)) err('deadLetterConfig.targetArn', 'expected an SQS queue or SNS topic ARN');
  if (s('kmskeyArn') && !ARN.test(s('kmskeyArn')!)) err('kmskeyArn', 'expected a KMS key ARN');
  if (s('eventSourceArn') !== undefined && !ARN.test(s('eventSourceArn')!)) err('eventSourceArn', 'expected an ARN');
  const tgs = d.targetGroups as string | string[] | null | undefined;
  for (const [i, t] of (typeof tgs === 'string' ? tgs.split(',').map((x) => x.trim()).filter(Boolean) : (tgs ?? [])).entries())
    if (!t.startsWith('arn:') && !TG_NAME.test(t)) err(typeof tgs === 'string' ? 'targetGroups' : `targetGroups[${i}]`, `"${t}" is neither a target group name nor an ARN`);

  const hasCode = Boolean((s('s3bucket') && s('s3key')) || s('imageUri') || artifact);
  if (op === 'createLambdaFunction') {
    const image = d.packageType === 'Image' || Boolean(s('imageUri')) || artifact?.type === 'docker/image';
    if (!s('role')) err('role', 'Role ARN is required');
    if (!hasCode) err('s3bucket', 'code is required: s3bucket and s3key, imageUri, or artifact');
    if (image) {
      if (s('runtime')) err('runtime', 'image functions take their runtime from the image; leave runtime out');
      if (s('handler')) err('handler', 'image functions take their handler from the image (use imageConfig.command)');
      if (hasCode && !s('imageUri') && artifact?.type !== 'docker/image') err('imageUri', 'image functions need imageUri or a docker/image artifact');
    } else {
      if (!s('runtime')) err('runtime', 'Runtime is required');
      if (!s('handler')) err('handler', 'Handler is required');
      if (artifact?.type === 'docker/image' || s('imageUri')) err('packageType', 'imageUri needs packageType Image');
    }
  }
  if (op === 'updateLambdaFunctionCode' && !hasCode) err('s3bucket', 'code is required: s3bucket and s3key, imageUri, or artifact');
  if (op === 'upsertLambdaFunctionAlias') {
    const w = d.weightToMinorFunctionVersion as number | null | undefined;
    if (w != null && w > 0 && !s('minorFunctionVersion')) err('minorFunctionVersion', 'a weight needs minorFunctionVersion');
    if (s('minorFunctionVersion') && s('minorFunctionVersion') === s('majorFunctionVersion')) err('minorFunctionVersion', 'must differ from majorFunctionVersion');
  }
  return errors;
}
