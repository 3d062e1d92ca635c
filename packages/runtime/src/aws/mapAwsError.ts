import { ConflictError, InputError, NotAllowedError, NotFoundError, ServiceUnavailableError, UpstreamError } from '../errors/errors.js';
import type { OutriggerError } from '../errors/OutriggerError.js';

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'SlowDown',
  'EC2ThrottledException',
]);

/**
 * The one translation of AWS SDK exceptions into outrigger errors, by `name` and HTTP status: not found → 404,
 * throttling → 503 (retryable), validation → 400, access denied → 403, conflicts → 409, the rest → 502. The message
 * keeps AWS's own words and the service name; `$response` is never copied.
 */
export function mapAwsError(err: unknown, service: string): OutriggerError {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = e?.name ?? 'Error';
  const message = `${service}: ${name}: ${e?.message ?? String(err)}`;
  const status = e?.$metadata?.httpStatusCode;
  const withRetry = <T extends OutriggerError>(x: T, retryable: boolean): T => Object.assign(x, { retryable });
  if (name.endsWith('NotFoundException') || name === 'NoSuchKey' || name === 'NoSuchBucket' || name === 'NotFound' || status === 404)
    return withRetry(new NotFoundError(message, { cause: err }), false);
  if (THROTTLING.has(name) || status === 429) return withRetry(new ServiceUnavailableError(message, { cause: err }), true);
  if (name === 'AccessDeniedException' || name === 'AccessDenied' || name === 'UnauthorizedOperation' || status === 403)
    return withRetry(new NotAllowedError(message, { cause: err }), false);
  if (name === 'ResourceConflictException' || name === 'ResourceInUseException' || status === 409)
    return withRetry(new ConflictError(message, { cause: err }), true);
  if (name.startsWith('InvalidParameter') || name === 'ValidationException' || name === 'InvalidRequestContentException' || name === 'ClientException')
    return withRetry(new InputError(message, { cause: err }), false);
  return withRetry(new UpstreamError(service, message, { cause: err }), status === undefined || status >= 500);
}
