import { Runtime } from '@aws-sdk/client-lambda';
import type { LambdaRuntime } from '@outrigger/contract';

/**
 * Every runtime of the bundled SDK's `Runtime` enum, and when AWS ended (or ends) its standard support (Lambda's
 * runtime deprecation policy, docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html): a date, `'retired'` for
 * runtimes deprecated before dates were published, or `null` for a supported runtime without an announced date.
 * Dates of nodejs24.x, python3.14, ruby3.4, java25 and dotnet10 as AWS's table gives them (mirrored by
 * endoflife.date/aws-lambda, read 2026-12-07). The AL2-based runtimes keep the AL2 end of life (2026-06-30) until AWS
 * publishes later dates for them. The test `listRuntimes.test.ts` fails when the SDK gains a runtime this table does not mention, so a new runtime (or a
 * new deprecation) is looked at before it is served.
 */
export const RUNTIME_DEPRECATION: Readonly<Record<string, string | 'retired' | null>> = {
  nodejs: 'retired', 'nodejs4.3': 'retired', 'nodejs4.3-edge': 'retired', 'nodejs6.10': 'retired', 'nodejs8.10': 'retired',
  'nodejs10.x': 'retired', 'nodejs12.x': 'retired', 'nodejs14.x': 'retired',
  'nodejs16.x': '2024-06-12', 'nodejs18.x': '2025-09-01', 'nodejs20.x': '2026-04-30', 'nodejs22.x': '2027-04-30',
  'nodejs24.x': '2028-04-30', 'nodejs26.x': null,
  'python2.7': 'retired', 'python3.6': 'retired', 'python3.7': 'retired',
  'python3.8': '2024-10-14', 'python3.9': '2025-12-15', 'python3.10': '2026-10-31', 'python3.11': '2027-06-30',
  'python3.12': '2028-10-31', 'python3.13': '2029-06-30', 'python3.14': '2029-06-30', 'python3.15': null,
  'ruby2.5': 'retired', 'ruby2.7': 'retired', 'ruby3.2': '2026-03-31', 'ruby3.3': '2027-03-31', 'ruby3.4': '2028-03-31', 'ruby4.0': null,
  java8: '2024-01-08', 'java8.al2': '2026-06-30', 'java8.al2023': null, java11: '2026-06-30', 'java11.al2023': null,
  java17: '2026-06-30', 'java17.al2023': null, java21: '2029-06-30', java25: '2029-06-30',
  'dotnetcore1.0': 'retired', 'dotnetcore2.0': 'retired', 'dotnetcore2.1': 'retired', 'dotnetcore3.1': '2023-04-03',
  dotnet6: '2024-12-20', dotnet8: '2026-11-10', dotnet10: '2028-11-14',
  'go1.x': '2024-01-08', provided: '2024-01-08', 'provided.al2': '2026-06-30', 'provided.al2023': null,
};

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
      const entry = RUNTIME_DEPRECATION[runtime];
      const date = entry && entry !== 'retired' ? entry : undefined;
      return {
        runtime,
        family: runtimeFamily(runtime),
        // A runtime the table does not know yet is served as not deprecated (the test catches it first).
        deprecated: entry === 'retired' || (date !== undefined && date <= today),
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
