import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { ErrorBody, FieldError } from '@outrigger/contract';
import { NotFoundError } from '../errors/errors.js';
import { reasonPhrase, statusFor } from '../errors/statusFor.js';

/** body-parser's errors, by `type`, turned into messages that never quote the request body. */
const parserMessages: Record<string, { message: string; field?: string }> = {
  'entity.parse.failed': { message: 'request body is not valid JSON', field: '$.body' },
  'entity.too.large': { message: 'request body is larger than this server accepts', field: '$.body' },
  'encoding.unsupported': { message: 'request body encoding is not supported', field: '$.body' },
  'charset.unsupported': { message: 'request body charset is not supported', field: '$.body' },
  'request.aborted': { message: 'request was aborted by the client' },
  'request.size.invalid': { message: 'request body size does not match Content-Length', field: '$.body' },
  'stream.encoding.set': { message: 'request stream encoding was already set' },
};

export function errorBody(status: number, message: string, path: string, requestId?: string, errors?: FieldError[]): ErrorBody {
  return {
    timestamp: Date.now(),
    status,
    error: reasonPhrase(status),
    message,
    path,
    ...(requestId ? { requestId } : {}),
    ...(errors?.length ? { errors } : {}),
  };
}

/**
 * The single error middleware: every error becomes Spinnaker's kork/Spring error body. 4xx messages are the named
 * error's own; a 500 is logged with the request id and answered without details.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const requestId = res.locals.requestId as string | undefined;
    const status = statusFor(err);
    const parser = typeof err?.type === 'string' ? parserMessages[err.type as string] : undefined;
    let message: string;
    let errors: FieldError[] | undefined = err?.errors;
    if (parser) {
      message = parser.message;
      if (parser.field && !errors) errors = [{ field: parser.field, message: parser.message }];
    } else if (status === 500) {
      logger.error({ err, requestId, method: req.method, path: req.path }, 'unhandled error');
      message = `Internal error; quote requestId ${requestId ?? 'unknown'} to the operator`;
      errors = undefined;
    } else {
      message = err?.message || reasonPhrase(status);
      if (status >= 500) logger.warn({ err: { name: err?.name, message }, requestId, path: req.path }, 'upstream or availability error');
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    if (status === 405 && err?.allow) res.setHeader('Allow', err.allow as string);
    if (status === 429 && typeof err?.retryAfterSeconds === 'number') res.setHeader('Retry-After', String(Math.max(1, Math.ceil(err.retryAfterSeconds))));
    res.status(status).json(errorBody(status, message, req.originalUrl.split('?')[0] ?? req.path, requestId, Array.isArray(errors) ? errors : undefined));
  };
}

/** The last route: anything unmatched is a 404 in the same shape. */
export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => next(new NotFoundError(`No handler for ${req.method} ${req.path}`));
}
