import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { jacksonLenient, operations, type OperationDef, type OperationId, type Operations } from '@outrigger/contract';
import type { Authorizer } from '../auth/createAuthorizer.js';
import type { Principal } from '../auth/Principal.js';
import { InputError, UnsupportedMediaTypeError } from '../errors/errors.js';
import { fieldErrors } from '../errors/zodIssues.js';

type Out<T> = T extends z.ZodType ? z.output<T> : undefined;
type In<T> = T extends z.ZodType ? z.input<T> : unknown;

export interface OperationInput<K extends OperationId> {
  params: Out<Operations[K] extends { params: infer P } ? P : undefined>;
  query: Out<Operations[K] extends { query: infer Q } ? Q : undefined>;
  body: Out<Operations[K] extends { body: infer B } ? B : undefined>;
  /** The caller (headers or Fiat), resolved on first use. */
  principal(): Promise<Principal>;
  requestId: string;
  log: Logger;
  req: Request;
  res: Response;
}

/** What a handler returns: the success body (sent with the row's status), or `undefined` when it answered itself. */
export type OperationResult<K extends OperationId> = (Operations[K] extends { response: infer R } ? In<R> : unknown) | undefined | void;

export type OperationHandler<K extends OperationId> = (input: OperationInput<K>) => Promise<OperationResult<K>> | OperationResult<K>;

export interface BindDeps {
  authorizer: Authorizer;
  logger: Logger;
  /** Largest JSON body, e.g. `1mb`. */
  bodyLimit: string;
  /** Parse every JSON answer with the row's response schema and fail loudly (tests). */
  validateResponses?: boolean;
}

export type BindOperation = <K extends OperationId>(router: Router, operationId: K, handler: OperationHandler<K>) => void;

/** `/task/{id}` → `/task/:id`; a literal colon (`/task/{id}:resume`) is escaped for express. */
export function toExpressPath(specPath: string): string {
  return specPath.replace(/:/g, '\\:').replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
}

/**
 * Returns `bind(router, operationId, handler)`, which mounts one spec operation: the method and path come from the
 * operation table, params/query/body are validated with its zod schemas (every bad field in one 400), and the
 * handler's result is sent as JSON.
 */
export function createOperationBinder(deps: BindDeps): BindOperation {
  // Not strict: `null`, `"str"` and `123` are valid JSON, answered below as "expected an object" rather than "not valid JSON".
  const json = express.json({ limit: deps.bodyLimit, type: () => true, strict: false });
  return (router, operationId, handler) => {
    const def: OperationDef = operations[operationId];
    const path = toExpressPath(def.path);
    const route = router.route(path);
    const mark: express.RequestHandler = (_req, res, next) => {
      res.locals.operationId = operationId;
      next();
    };
    const parseBody: express.RequestHandler = (req, res, next) => {
      if (!def.body || def.rawBody) return next();
      const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
      if (!hasBody) return next();
      // AWS SDKs post JSON as application/x-amz-json-1.x (the CodeDeploy hook status door).
      if (!req.is(['application/json', 'application/*+json', 'application/x-amz-json-1.0', 'application/x-amz-json-1.1'])) {
        return next(
          new UnsupportedMediaTypeError(`${operationId} accepts application/json, not ${req.headers['content-type'] ?? 'a body without Content-Type'}`, {
            errors: [{ field: '$.headers.content-type', message: 'expected application/json' }],
          }),
        );
      }
      json(req, res, next);
    };
    const handle: express.RequestHandler = async (req, res) => {
      const issues: import('@outrigger/contract').FieldError[] = [];
      const parse = (schema: z.ZodType | undefined, value: unknown, root: string) => {
        if (!schema) return undefined;
        const r = schema.safeParse(value);
        if (!r.success) {
          issues.push(...fieldErrors(root, r.error));
          return undefined;
        }
        return r.data;
      };
      if (def.body && !def.rawBody && req.body !== undefined && (req.body === null || typeof req.body !== 'object')) {
        const expected = (def.body as { def?: { type?: string } }).def?.type === 'array' ? 'an array' : 'an object';
        throw new InputError(`The request body must be a JSON ${expected === 'an array' ? 'array' : 'object'}, not ${req.body === null ? 'null' : `a ${typeof req.body}`}.`, {
          errors: [{ field: '$.body', message: `expected ${expected}` }],
        });
      }
      const params = parse(def.params, { ...req.params }, '$.path');
      const query = parse(def.query, { ...(req.query as Record<string, unknown>) }, '$.query');
      // Bodies are read as clouddriver's Jackson reads them: "" for a number or boolean is "not set", "30" is 30.
      const body = parse(def.body, def.rawBody ? req.body : jacksonLenient(def.body, req.body), '$.body');
      if (issues.length) throw new InputError('Validation Failed', { errors: issues });
      let principal: Promise<Principal> | undefined;
      const result = await handler({
        params,
        query,
        body,
        principal: () => (principal ??= deps.authorizer.principalFor(req)),
        requestId: res.locals.requestId as string,
        log: deps.logger.child({ operationId, requestId: res.locals.requestId }),
        req,
        res,
      } as OperationInput<typeof operationId>);
      if (result === undefined || res.headersSent) return;
      if (deps.validateResponses && def.response) {
        const check = def.response.safeParse(result);
        if (!check.success) {
          throw new Error(`${operationId} answered a body that does not match its contract: ${JSON.stringify(fieldErrors('$', check.error))}`);
        }
      }
      // A handler that set its own status (e.g. 503 for a DOWN health) keeps it.
      res.status(res.statusCode !== 200 ? res.statusCode : (def.status ?? 200)).json(result);
    };
    route[def.method](mark, parseBody, handle);
  };
}
