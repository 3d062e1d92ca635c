// Walks the bundled OpenAPI document: lists operations, resolves local $refs, and makes sample values from schemas.
// Used by the contract suites and the generated bad-input suite.
import { openapiDocument } from '@outrigger/contract';

export type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  examples?: unknown[];
  example?: unknown;
  default?: unknown;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  pattern?: string;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  additionalProperties?: boolean | Schema;
};

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
  example?: unknown;
}

export interface SpecOperation {
  operationId: string;
  method: string;
  path: string;
  parameters: Parameter[];
  /** The JSON request body schema, if the operation takes one. */
  body?: Schema;
  bodyRequired: boolean;
  /** Non-JSON request media types (raw bodies). */
  otherMediaTypes: string[];
  responses: Record<string, unknown>;
  raw: Record<string, unknown>;
}

const doc = openapiDocument as unknown as Record<string, unknown>;
export const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

export function resolve<T = Schema>(node: unknown, depth = 0): T {
  let n = node as { $ref?: string };
  while (n && typeof n === 'object' && typeof n.$ref === 'string' && depth < 32) {
    const pointer = n.$ref.replace(/^#\//, '').split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    n = pointer.reduce<unknown>((acc, key) => (acc as Record<string, unknown>)?.[key], doc) as { $ref?: string };
    depth++;
  }
  return n as T;
}

export function specOperations(): SpecOperation[] {
  const out: SpecOperation[] = [];
  const paths = doc.paths as Record<string, Record<string, unknown>>;
  for (const [path, item] of Object.entries(paths)) {
    const shared = ((item.parameters as unknown[]) ?? []).map((p) => resolve<Parameter>(p));
    for (const method of METHODS) {
      const op = item[method] as Record<string, unknown> | undefined;
      if (!op) continue;
      const own = ((op.parameters as unknown[]) ?? []).map((p) => resolve<Parameter>(p));
      const rb = op.requestBody ? resolve<{ required?: boolean; content?: Record<string, { schema?: Schema }> }>(op.requestBody) : undefined;
      const content = rb?.content ?? {};
      const jsonType = Object.keys(content).find((t) => /json/.test(t));
      out.push({
        operationId: op.operationId as string,
        method,
        path,
        parameters: [...shared.filter((s) => !own.some((o) => o.name === s.name && o.in === s.in)), ...own],
        ...(jsonType ? { body: resolve(content[jsonType]!.schema ?? {}) } : {}),
        bodyRequired: rb?.required ?? false,
        otherMediaTypes: Object.keys(content).filter((t) => t !== jsonType),
        responses: (op.responses as Record<string, unknown>) ?? {},
        raw: op,
      });
    }
  }
  return out;
}

function typeOf(s: Schema): string | undefined {
  if (Array.isArray(s.type)) return s.type.find((t) => t !== 'null');
  if (s.type) return s.type;
  if (s.properties) return 'object';
  if (s.items) return 'array';
  return undefined;
}

/** A value that satisfies the schema's shape (types, required keys, enums, lengths); not necessarily meaningful. */
export function sample(node: Schema | undefined, depth = 0): unknown {
  if (!node || depth > 8) return undefined;
  const s = resolve(node);
  if (s.const !== undefined) return s.const;
  if (s.examples?.length) return s.examples[0];
  if (s.example !== undefined) return s.example;
  if (s.default !== undefined) return s.default;
  if (s.enum?.length) return s.enum[0];
  if (s.allOf?.length) return Object.assign({}, ...s.allOf.map((x) => sample(x, depth + 1) as object));
  if (s.oneOf?.length) return sample(s.oneOf[0], depth + 1);
  if (s.anyOf?.length) return sample(s.anyOf[0], depth + 1);
  switch (typeOf(s)) {
    case 'string': {
      if (s.format === 'uri' || s.format === 'url') return 'http://127.0.0.1:9/x';
      const len = Math.max(s.minLength ?? 1, 1);
      return 'a'.repeat(Math.min(len, s.maxLength ?? len));
    }
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return false;
    case 'array': {
      const n = s.minItems ?? 0;
      return Array.from({ length: n }, () => sample(s.items, depth + 1));
    }
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const key of s.required ?? []) o[key] = sample(s.properties?.[key], depth + 1);
      return o;
    }
    default:
      return undefined;
  }
}

/** A value of a different JSON type than the schema wants. */
export function wrongType(node: Schema): unknown {
  const s = resolve(node);
  switch (typeOf(s)) {
    case 'string':
      return s.enum ? 'definitely-not-an-allowed-value' : 12345;
    case 'integer':
    case 'number':
      return 'not-a-number';
    case 'boolean':
      return 'maybe';
    case 'array':
      return 'not-an-array';
    case 'object':
      return 7;
    default:
      return undefined;
  }
}

/** The path with every `{param}` filled with a sample value. */
export function fillPath(op: SpecOperation, overrides: Record<string, string> = {}): string {
  return op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    if (overrides[name] !== undefined) return encodeURIComponent(overrides[name]!);
    const p = op.parameters.find((x) => x.in === 'path' && x.name === name);
    const v = p?.example ?? sample(p?.schema) ?? 'x';
    return encodeURIComponent(String(v));
  });
}

export function componentSchemas(): Record<string, Schema> {
  return ((doc.components as Record<string, unknown>)?.schemas as Record<string, Schema>) ?? {};
}
