import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Metrics } from './createMetrics.js';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives every request an id (the caller's `X-Request-Id` when it is sane, else a new one), echoes it in the response,
 * and on finish logs one structured line and records the duration under the route's operationId.
 */
export function requestContext(deps: { logger: Logger; metrics: Metrics }): RequestHandler {
  return (req, res, next) => {
    const incoming = req.header('x-request-id');
    const requestId = incoming && SAFE_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const operationId = (res.locals.operationId as string | undefined) ?? (res.locals.route as string | undefined) ?? 'unmatched';
      deps.metrics.httpDuration.observe({ operationId, method: req.method, status: String(res.statusCode) }, seconds);
      const quiet = operationId === 'getHealth' || operationId === 'metrics';
      const line = { requestId, method: req.method, path: req.path, status: res.statusCode, ms: Math.round(seconds * 1000), operationId, user: req.header('x-spinnaker-user') };
      if (res.statusCode >= 500) deps.logger.warn(line, 'request');
      else if (quiet) deps.logger.trace(line, 'request');
      else deps.logger.info(line, 'request');
    });
    next();
  };
}
