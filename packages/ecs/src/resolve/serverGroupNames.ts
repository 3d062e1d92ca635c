/** Naming as clouddriver-ecs does it (ecs-artifacts.md §4.1). Pure. */

export interface NamingInput {
  application?: string;
  stack?: string;
  freeFormDetails?: string;
  moniker?: { app?: string; stack?: string; detail?: string; cluster?: string };
}

export interface ClusterName {
  app?: string;
  stack?: string;
  detail?: string;
  cluster?: string;
}

/** `app`, `app-stack`, `app-stack-detail`, `app--detail`; `moniker` wins over the deprecated fields. */
export function clusterNameOf(d: NamingInput): ClusterName {
  const app = d.moniker?.app || d.application || undefined;
  const stack = d.moniker?.stack || d.stack || undefined;
  const detail = d.moniker?.detail || d.freeFormDetails || undefined;
  if (d.moniker?.cluster) return { app, stack, detail, cluster: d.moniker.cluster };
  if (!app) return { app, stack, detail };
  const cluster = detail ? `${app}-${stack ?? ''}-${detail}` : stack ? `${app}-${stack}` : app;
  return { app, stack, detail, cluster };
}

/** `<cluster>-v012` → 12; anything else → undefined. */
export function sequenceOf(cluster: string, serviceName: string): number | undefined {
  if (!serviceName.startsWith(cluster + '-v')) return undefined;
  const rest = serviceName.slice(cluster.length + 2);
  return /^\d{3}$/.test(rest) ? Number(rest) : undefined;
}

export function serverGroupName(cluster: string, sequence: number): string {
  return `${cluster}-v${String(sequence).padStart(3, '0')}`;
}

/** The candidates clouddriver tries, in order: max+1 … 999, then wrapping to 0; at most `count`. */
export function nextSequenceCandidates(used: number[], count = 5): number[] {
  const start = used.length ? (Math.max(...used) + 1) % 1000 : 0;
  const out: number[] = [];
  for (let n = 0; n < 1000 && out.length < count; n++) {
    const s = (start + n) % 1000;
    if (!used.includes(s)) out.push(s);
  }
  return out;
}
