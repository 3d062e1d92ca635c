import express, { type RequestHandler } from 'express';
import { InputError } from '../errors/errors.js';

/**
 * For a provider in front of clouddriver (the passthrough is on): reads a JSON body once, and when `isForeign(body)`
 * says the request is not outrigger's (another account, another cloud's operation), hands it on with `next('router')`
 * so it reaches the passthrough untouched; the raw bytes stay on `req.rawBody`. Otherwise the parsed body stays on
 * `req.body` for the operation's own validation.
 */
export function forwardForeignRequests(options: { bodyLimit: string; isForeign: (body: unknown) => boolean }): RequestHandler {
  const raw = express.raw({ type: ['application/json', 'application/*+json'], limit: options.bodyLimit });
  return (req, res, next) => {
    if (!req.is(['application/json', 'application/*+json'])) return next();
    raw(req, res, (err?: unknown) => {
      if (err) return next(err);
      const buf = Buffer.isBuffer(req.body) ? (req.body as Buffer) : Buffer.alloc(0);
      (req as unknown as { rawBody: Buffer }).rawBody = buf;
      let parsed: unknown;
      try {
        parsed = buf.length ? JSON.parse(buf.toString('utf8')) : undefined;
      } catch {
        return next(new InputError('request body is not valid JSON', { errors: [{ field: '$.body', message: 'request body is not valid JSON' }] }));
      }
      req.body = parsed;
      if (options.isForeign(parsed)) return next('router');
      next();
    });
  };
}

/** The account a clouddriver description names: `credentials` (operations) or `account` (cache refreshes). */
export function describedAccount(description: unknown, prefer: 'credentials' | 'account' = 'credentials'): string | undefined {
  if (!description || typeof description !== 'object') return undefined;
  const d = description as Record<string, unknown>;
  const name = prefer === 'credentials' ? (d.credentials ?? d.account) : (d.account ?? d.credentials);
  return typeof name === 'string' && name.length > 0 ? name : undefined;
}
