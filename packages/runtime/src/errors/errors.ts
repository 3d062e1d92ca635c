import { OutriggerError } from './OutriggerError.js';

/** 400: the request is wrong; `errors[]` names the fields. */
export class InputError extends OutriggerError {}
/** 401: no usable identity. */
export class AuthenticationError extends OutriggerError {}
/** 403: the caller may not use that account or resource. */
export class NotAllowedError extends OutriggerError {}
/** 404 */
export class NotFoundError extends OutriggerError {}
/** 409: the resource is in a state that forbids the change. */
export class ConflictError extends OutriggerError {}
/** 413: the request body is larger than the server accepts. */
export class PayloadTooLargeError extends OutriggerError {}
/** 415: the request body is not of a media type the operation accepts. */
export class UnsupportedMediaTypeError extends OutriggerError {}
/** 429: a limit is reached (a full queue); the answer carries `Retry-After`. */
export class TooManyRequestsError extends OutriggerError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number, options?: { cause?: unknown }) {
    super(message, options);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
/** 501: known to Spinnaker, deliberately not served here. */
export class NotImplementedError extends OutriggerError {}
/** 503: throttled, not ready, shutting down. */
export class ServiceUnavailableError extends OutriggerError {}

/** 502: an upstream (AWS, Packer, an artifact store, Fiat) failed. */
export class UpstreamError extends OutriggerError {
  readonly upstreamName: string;
  constructor(upstreamName: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.upstreamName = upstreamName;
  }
}
