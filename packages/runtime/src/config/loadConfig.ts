import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigSchema, type OutriggerConfig } from './configSchema.js';
import { topLevelTypos, unknownKeys } from './unknownKeys.js';

/** A configuration file outrigger cannot start with. The message names the file, the key path and what was expected. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface LoadedConfig {
  config: OutriggerConfig;
  /** The file the config came from, or `(defaults)`. */
  source: string;
}

/**
 * Reads the YAML file named by `file` (the `--config` flag) or `env.OUTRIGGER_CONFIG`; with neither, the embedded
 * defaults (SQLite under `./.outrigger/`, no accounts). `${NAME}` and `${NAME:default}` in string values are read
 * from the environment, as Spring does for clouddriver and Rosco config.
 */
export function loadConfig(
  options: {
    file?: string;
    env?: NodeJS.ProcessEnv;
    overrides?: Record<string, unknown>;
    /**
     * The providers' own sections (`lambda`, `ecs`, `bake`) and their schemas: checked here too, so one run names
     * every error in the file, not one section at a time as each provider starts.
     */
    sections?: Record<string, z.ZodType>;
  } = {},
): LoadedConfig {
  const env = options.env ?? process.env;
  const file = options.file ?? env.OUTRIGGER_CONFIG;
  let raw: unknown = {};
  let source = '(defaults)';
  if (file) {
    source = path.resolve(file);
    let text: string;
    try {
      text = readFileSync(source, 'utf8');
    } catch (err) {
      throw new ConfigError(`${source}: cannot read the config file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    const doc = parseDocument(text, { prettyErrors: true });
    if (doc.errors.length) {
      throw new ConfigError(doc.errors.map((e) => `${source}: ${e.message.split('\n')[0]}`).join('\n'));
    }
    raw = doc.toJS() ?? {};
    if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`${source}: expected a YAML mapping at the top level`);
    raw = interpolate(raw, env, source, []);
  }
  if (options.overrides) raw = deepMerge(raw as Record<string, unknown>, options.overrides);
  const top = raw as Record<string, unknown>;
  const own = [...Object.keys(ConfigSchema.shape), ...Object.keys(options.sections ?? {})];
  const problems = [
    ...sectionProblems(ConfigSchema, raw, { source, keyPath: [] }),
    ...topLevelTypos(raw, own).map((u) => `${source}: ${u.path[0]}: unknown key (did you mean ${u.suggestion}?)`),
    ...Object.entries(options.sections ?? {}).flatMap(([name, schema]) => sectionProblems(schema, top[name] ?? {}, { source, keyPath: [name] })),
  ];
  if (problems.length) throw configError(problems);
  return { config: ConfigSchema.parse(raw), source };
}

/**
 * Every problem of one section: what its schema refuses, and keys it does not know (with the nearest known key). At
 * the top level of the file (`keyPath` empty) unknown keys are other services' sections and are left alone, unless
 * they look like a misspelt section of outrigger's own (`topLevelTypos`).
 */
function sectionProblems(schema: z.ZodType, value: unknown, where: { source: string; keyPath: (string | number)[] }): string[] {
  const result = schema.safeParse(value);
  const lines = result.success
    ? []
    : result.error.issues.map((issue) => `${where.source}: ${keyPath([...where.keyPath, ...(issue.path as (string | number)[])]) || '(top level)'}: ${issue.message}`);
  for (const u of unknownKeys(schema, value, { skipRoot: where.keyPath.length === 0 })) {
    lines.push(`${where.source}: ${keyPath([...where.keyPath, ...u.path])}: unknown key${u.suggestion ? ` (did you mean ${u.suggestion}?)` : ''}`);
  }
  return lines;
}

function configError(lines: string[]): ConfigError {
  return new ConfigError(`invalid configuration (${lines.length} ${lines.length === 1 ? 'error' : 'errors'})\n  ${lines.join('\n  ')}`);
}

/** Validates one section of the config with a provider's own schema, failing with the file and full key path. */
export function parseConfigSection<S extends z.ZodType>(schema: S, value: unknown, where: { source: string; keyPath: (string | number)[] }): z.output<S> {
  const lines = sectionProblems(schema, value, where);
  if (lines.length) throw configError(lines);
  return schema.parse(value);
}

function keyPath(parts: (string | number)[]): string {
  return parts.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function interpolate(value: unknown, env: NodeJS.ProcessEnv, source: string, at: (string | number)[]): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}/g, (_m, name: string, fallback?: string) => {
      const v = env[name];
      if (v !== undefined) return v;
      if (fallback !== undefined) return fallback;
      throw new ConfigError(`${source}: ${keyPath(at)}: environment variable ${name} is not set (write \${${name}:default} to give a default)`);
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, source, [...at, i]));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env, source, [...at, k])]));
  }
  return value;
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const b = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b)
        ? deepMerge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}
