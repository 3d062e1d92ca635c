import { createHash } from 'node:crypto';
import { GetObjectCommand, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import type { FunctionCode } from '@aws-sdk/client-lambda';
import type { LambdaArtifact } from '@outrigger/contract';
import { InputError } from '@outrigger/runtime';
import type { OperationContext } from '../operations/OperationContext.js';

/** Artifact types outrigger reads itself; with `clouddriver.baseUrl` set, any other type is fetched through clouddriver. */
export const ARTIFACT_TYPES = ['s3/object', 'http/file', 'embedded/base64', 'docker/image'] as const;

/** `s3://bucket/key` → parts. */
export function parseS3Reference(ref: string): { bucket: string; key: string } | undefined {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(ref);
  return m ? { bucket: m[1]!, key: m[2]! } : undefined;
}

export interface CodeInput {
  s3bucket?: string | null;
  s3key?: string | null;
  imageUri?: string | null;
  artifact?: LambdaArtifact;
}

/**
 * Where a function's code comes from: S3 bucket/key, an image URI, or a Spinnaker artifact (`s3/object` is passed to
 * Lambda by reference; `http/file` is downloaded and uploaded as a zip; `embedded/base64` is decoded; `docker/image`
 * is an image URI). `source` is a short description kept in the `outrigger.io/code-source` tag, so a repeated create
 * can tell whether the existing function already has this code.
 */
export async function resolveCode(ctx: OperationContext, input: CodeInput, field: string): Promise<{ code: FunctionCode; source: string } | undefined> {
  const a = input.artifact;
  if (a) {
    const ref = a.reference ?? '';
    switch (a.type) {
      case 's3/object': {
        const s3 = parseS3Reference(ref);
        if (!s3) throw new InputError('Validation Failed', { errors: [{ field: `${field}.reference`, message: 'expected s3://bucket/key' }] });
        return {
          code: { S3Bucket: s3.bucket, S3Key: s3.key, ...(a.version ? { S3ObjectVersion: a.version } : {}) },
          source: `${ref}${a.version ? `#${a.version}` : ''}`,
        };
      }
      case 'docker/image':
        return { code: { ImageUri: ref }, source: ref };
      default: {
        const bytes = await ctx.fetchArtifact(a, ctx.config.maxArtifactBytes);
        return { code: { ZipFile: bytes }, source: `sha256:${sha(bytes)}` };
      }
    }
  }
  if (input.imageUri) return { code: { ImageUri: input.imageUri }, source: input.imageUri };
  if (input.s3bucket && input.s3key) return { code: { S3Bucket: input.s3bucket, S3Key: input.s3key }, source: `s3://${input.s3bucket}/${input.s3key}` };
  return undefined;
}

/** Reads an `s3/object` artifact's bytes (invoke payloads). */
export async function readS3Object(ctx: OperationContext, ref: string, maxBytes: number): Promise<Buffer> {
  const s3 = parseS3Reference(ref);
  if (!s3) throw new InputError('Validation Failed', { errors: [{ field: '$.body.payloadArtifact.reference', message: 'expected s3://bucket/key' }] });
  const out = await ctx.send<GetObjectCommandOutput>(ctx.s3(), new GetObjectCommand({ Bucket: s3.bucket, Key: s3.key }));
  const bytes = Buffer.from((await out.Body?.transformToByteArray()) ?? new Uint8Array());
  if (bytes.length > maxBytes) throw new InputError(`artifact ${ref} is larger than ${maxBytes} bytes`);
  return bytes;
}

/** A content digest short enough for a tag value. */
function sha(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex').slice(0, 32);
}
