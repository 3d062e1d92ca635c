/** The moniker tags clouddriver (2026, `LambdaTagNamer`) reads and writes on functions. */
export const MONIKER_TAGS = {
  app: 'moniker.spinnaker.io/application',
  cluster: 'moniker.spinnaker.io/cluster',
  stack: 'moniker.spinnaker.io/stack',
  detail: 'moniker.spinnaker.io/detail',
  sequence: 'moniker.spinnaker.io/sequence',
} as const;

export interface Moniker {
  app?: string;
  cluster?: string;
  stack?: string;
  detail?: string;
}

/** frigga's parse of `app[-stack[-detail…]]`. */
export function parseName(name: string): Moniker {
  const [app, stack, ...rest] = name.split('-');
  return {
    ...(app ? { app } : {}),
    ...(stack ? { stack } : {}),
    ...(rest.length ? { detail: rest.join('-') } : {}),
    cluster: name,
  };
}

/** clouddriver's `combineAppDetail`: keep a name whose app part is `appName`, else prefix `appName-`. */
export function functionNameFor(appName: string | null | undefined, functionName: string, prefix: boolean): string {
  if (!prefix || !appName) return functionName;
  if (functionName === appName || functionName.startsWith(`${appName}-`)) return functionName;
  return `${appName}-${functionName}`;
}

/** Tags win over the name. */
export function monikerOf(name: string, tags: Record<string, string> | undefined): Moniker {
  const parsed = parseName(name);
  const t = tags ?? {};
  const m: Moniker = { ...parsed };
  if (t[MONIKER_TAGS.app]) m.app = t[MONIKER_TAGS.app];
  if (t[MONIKER_TAGS.stack]) m.stack = t[MONIKER_TAGS.stack];
  if (t[MONIKER_TAGS.detail]) m.detail = t[MONIKER_TAGS.detail];
  if (t[MONIKER_TAGS.cluster]) m.cluster = t[MONIKER_TAGS.cluster];
  return m;
}

/** Moniker tags for a function created or updated for `appName`. */
export function monikerTags(appName: string, functionName: string): Record<string, string> {
  const base = functionName.startsWith(`${appName}-`) ? functionName.slice(appName.length + 1) : '';
  const [stack, ...rest] = base ? base.split('-') : [];
  return {
    [MONIKER_TAGS.app]: appName,
    [MONIKER_TAGS.cluster]: functionName,
    ...(stack ? { [MONIKER_TAGS.stack]: stack } : {}),
    ...(rest.length ? { [MONIKER_TAGS.detail]: rest.join('-') } : {}),
  };
}
