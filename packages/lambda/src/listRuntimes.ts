import { Runtime } from '@aws-sdk/client-lambda';
import type { LambdaRuntime } from '@outrigger/contract';

/**
 * When AWS ended (or ends) standard support of a runtime (Lambda runtime deprecation policy). Runtimes absent here and
 * older than any listed family member are marked deprecated by `ALWAYS_DEPRECATED`.
 */
const DEPRECATION_DATES: Record<string, string> = {
  'nodejs16.x': '2024-06-12',
  'nodejs18.x': '2025-09-01',
  'nodejs20.x': '2026-04-30',
  'python3.8': '2024-10-14',
  'python3.9': '2025-12-15',
  'python3.10': '2026-10-31',
  'ruby3.2': '2026-03-31',
  java8: '2024-01-08',
  'go1.x': '2024-01-08',
  provided: '2024-01-08',
  dotnet6: '2024-12-20',
  'dotnetcore3.1': '2023-04-03',
};
const ALWAYS_DEPRECATED = new Set([
  'nodejs', 'nodejs4.3', 'nodejs4.3-edge', 'nodejs6.10', 'nodejs8.10', 'nodejs10.x', 'nodejs12.x', 'nodejs14.x',
  'python2.7', 'python3.6', 'python3.7', 'ruby2.5', 'ruby2.7', 'dotnetcore1.0', 'dotnetcore2.0', 'dotnetcore2.1',
]);

export function runtimeFamily(runtime: string): string {
  if (runtime.startsWith('provided')) return 'provided';
  if (runtime.startsWith('dotnet')) return 'dotnet';
  return /^[a-z]+/.exec(runtime)?.[0] ?? runtime;
}

function versionKey(runtime: string): number[] {
  return (runtime.match(/\d+/g) ?? []).map(Number);
}

/** Every runtime of the bundled SDK's `Runtime` enum, grouped by family, newest first, with deprecation status. */
export function listRuntimes(now: Date = new Date()): LambdaRuntime[] {
  const today = now.toISOString().slice(0, 10);
  return Object.values(Runtime)
    .map((runtime): LambdaRuntime => {
      const date = DEPRECATION_DATES[runtime];
      return {
        runtime,
        family: runtimeFamily(runtime),
        deprecated: ALWAYS_DEPRECATED.has(runtime) || (date !== undefined && date <= today),
        ...(date ? { deprecationDate: date } : {}),
      };
    })
    .sort((a, b) => {
      if (a.family !== b.family) return a.family.localeCompare(b.family);
      const ka = versionKey(a.runtime);
      const kb = versionKey(b.runtime);
      for (let i = 0; i < Math.max(ka.length, kb.length); i++) {
        const d = (kb[i] ?? -1) - (ka[i] ?? -1);
        if (d) return d;
      }
      return a.runtime.localeCompare(b.runtime);
    });
}

export const KNOWN_RUNTIMES: ReadonlySet<string> = new Set(Object.values(Runtime));
