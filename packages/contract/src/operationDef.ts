import type { z } from 'zod';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * One row of the operation table: the spec's method and path for an operationId and the zod schemas that validate
 * its inputs. `runtime/http/bindOperation` turns a row into an express route; the contract tests check every row
 * against the bundled spec, so a path is written once here and once in the YAML, and a drift fails the build.
 */
export interface OperationDef {
  method: HttpMethod;
  /** The spec path, with `{param}` placeholders. */
  path: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The JSON content of the success response, checked in tests (`validateResponses`). */
  response?: z.ZodType;
  /** The success status, when it is not 200. */
  status?: number;
  /** The request body is not JSON (e.g. `text/plain` or raw bytes); the router passes it through unparsed. */
  rawBody?: boolean;
}

/** Keeps each row's literal zod types while checking it is an `OperationDef`. */
export function defineOperation<const T extends OperationDef>(def: T): T {
  return def;
}
