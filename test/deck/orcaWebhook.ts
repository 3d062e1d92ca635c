// What Orca does with one of outrigger's preconfigured webhooks (orca-webhook: PreconfiguredWebhookStage,
// CreateWebhookTask, MonitorWebhookTask), reduced to the parts the stage definitions rely on: evaluate `url` and
// `payload` against the stage's `parameterValues` (the SpEL forms the kit generator writes), POST, and for
// `waitForCompletion` follow `Location` until `status` is a success, canceled or terminal value; the result is the
// stage context's `webhook` block as Orca stores it (`statusCode`, `body`, `monitor.{body, progressMessage}`).
import type { StageDefinition } from '@outrigger/deck-plugin/stages';
import { orcaWebhook } from '@outrigger/deck-plugin/kit';

export function evaluate(template: string, values: Record<string, unknown>, application = 'myapp'): string {
  const text = (n: string) => (values[n] === undefined || values[n] === null ? '' : String(values[n]));
  const inner = (expr: string) =>
    expr.replace(/^#toJson\(parameterValues\['(\w+)'\]\)$/, (_, n: string) => JSON.stringify(values[n] ?? null)).replace(/^parameterValues\['(\w+)'\]$/, (_, n: string) => text(n));
  return template
    .replace(/\$\{\(parameterValues\['(\w+)'\] != null and parameterValues\['\1'\] != ''\) \? (.+?) : 'null'\}/g, (_, n: string, expr: string) =>
      values[n] !== undefined && values[n] !== null && values[n] !== '' ? inner(expr) : 'null',
    )
    .replace(/\$\{parameterValues\['(\w+)'\] (==|!=) '([^']*)' \? (.+?) : 'null'\}/g, (_, n: string, op: string, v: string, expr: string) =>
      (op === '==') === (values[n] === v) ? inner(expr) : 'null',
    )
    .replace(/\$\{#toJson\(parameterValues\['(\w+)'\]\)\}/g, (_, n: string) => JSON.stringify(values[n] ?? null))
    .replace(/\$\{parameterValues\['(\w+)'\]\}/g, (_, n: string) => text(n))
    .replace(/\$\{execution\.application\}/g, application);
}

export interface WebhookContext {
  statusCode: number;
  body: any;
  monitor?: { body: any; progressMessage?: string };
  error?: string;
}

export async function runPreconfiguredWebhook(def: StageDefinition, baseUrl: string, values: Record<string, unknown>): Promise<{ status: string; webhook: WebhookContext }> {
  const hook = orcaWebhook(def, baseUrl) as { url: string; payload: string; waitForCompletion: boolean; successStatuses?: string; terminalStatuses?: string; canceledStatuses?: string };
  const res = await fetch(evaluate(hook.url, values), { method: 'POST', headers: { 'content-type': 'application/json' }, body: evaluate(hook.payload, values) });
  const body = await res.json();
  if (res.status >= 400) return { status: 'TERMINAL', webhook: { statusCode: res.status, body, error: `Error submitting webhook for ${def.key}: ${res.status} ${JSON.stringify(body)}` } };
  if (!hook.waitForCompletion) return { status: 'SUCCEEDED', webhook: { statusCode: res.status, body } };
  const location = new URL(res.headers.get('location')!, baseUrl).href;
  for (let i = 0; i < 600; i++) {
    const monitor = (await (await fetch(location)).json()) as { status: string; message?: string };
    const status = String(monitor.status).toUpperCase();
    const done = [hook.successStatuses, hook.terminalStatuses, hook.canceledStatuses].some((list) => list?.split(',').includes(status));
    if (done) return { status: status === 'SUCCEEDED' ? 'SUCCEEDED' : status === 'CANCELED' ? 'CANCELED' : 'TERMINAL', webhook: { statusCode: res.status, body, monitor: { body: monitor, ...(monitor.message ? { progressMessage: monitor.message } : {}) } } };
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${def.key}: the task at ${location} did not finish`);
}
