import type { StageDefinition, StageParameter } from '../stages/definitions.js';

/** Where the generated kit reaches outrigger (the Kubernetes Service of `plugin-manifests/kubernetes/`). */
export const defaultOutriggerUrl = 'http://outrigger.spinnaker.svc:7011';

const JSON_VALUED = new Set(['integer', 'boolean', 'json', 'imageMap', 'trafficSteps', 'stringList', 'jsonList']);

/** True when the parameter's text is spliced into the payload as JSON (numbers, booleans, objects, arrays). */
export function isJsonValued(p: StageParameter): boolean {
  return JSON_VALUED.has(p.type);
}

/** The SpEL that puts one parameter into the webhook payload (JSON text as written; strings through `#toJson`). */
export function payloadExpression(p: StageParameter): string {
  const value = isJsonValued(p) ? `parameterValues['${p.name}']` : `#toJson(parameterValues['${p.name}'])`;
  if (!p.sendWhen) return `\${${value}}`;
  const { param, equals, notEquals, present } = p.sendWhen;
  if (present) return `\${(parameterValues['${param}'] != null and parameterValues['${param}'] != '') ? ${value} : 'null'}`;
  const test = equals !== undefined ? `== '${equals}'` : `!= '${notEquals}'`;
  return `\${parameterValues['${param}'] ${test} ? ${value} : 'null'}`;
}

type Tree = { [key: string]: Tree | string };

/** The payload template Orca evaluates: one JSON object, one line per body property (nested for dotted targets). */
export function payloadTemplate(def: StageDefinition): string {
  const tree: Tree = {};
  for (const [k, v] of Object.entries(def.fixedBody ?? {})) tree[k] = JSON.stringify(v);
  for (const p of def.parameters.filter((q) => q.in === 'body')) {
    const keys = p.target.split('.');
    let node = tree;
    for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Tree;
    node[keys.at(-1)!] = payloadExpression(p);
  }
  const render = (t: Tree, indent: string): string =>
    `{\n${Object.entries(t)
      .map(([k, v]) => `${indent}  ${JSON.stringify(k)}: ${typeof v === 'string' ? v : render(v, indent + '  ')}`)
      .join(',\n')}\n${indent}}`;
  return render(tree, '') + '\n';
}

/** The URL with path parameters filled from `parameterValues`. */
export function urlTemplate(def: StageDefinition, baseUrl: string): string {
  let path = def.path;
  for (const p of def.parameters.filter((q) => q.in === 'path')) path = path.replace(`{${p.target}}`, `\${parameterValues['${p.name}']}`);
  return baseUrl.replace(/\/+$/, '') + path;
}

/** One Orca `webhook.preconfigured[]` entry (WebhookProperties.PreconfiguredWebhook). */
export function orcaWebhook(def: StageDefinition, baseUrl = defaultOutriggerUrl): Record<string, unknown> {
  const monitoring =
    def.completion === 'task'
      ? {
          waitForCompletion: true,
          statusUrlResolution: 'locationHeader',
          statusJsonPath: '$.status',
          progressJsonPath: '$.message',
          successStatuses: 'SUCCEEDED',
          canceledStatuses: 'CANCELED',
          terminalStatuses: 'TERMINAL',
        }
      : // Orca binds a webhook's top-level `artifacts` only from the first answer, when it does not wait.
        { waitForCompletion: false };
  return {
    enabled: true,
    label: def.label,
    description: def.description,
    type: def.key,
    url: urlTemplate(def, baseUrl),
    method: def.method.toUpperCase(),
    customHeaders: { 'Content-Type': ['application/json'] },
    payload: payloadTemplate(def),
    ...monitoring,
    parameters: def.parameters.map((p, i) => ({
      name: p.name,
      label: p.label,
      description: p.help,
      type: 'string',
      order: i + 1,
      ...(p.default !== undefined ? { defaultValue: p.default } : {}),
    })),
  };
}

/** The default `parameterValues` of a new stage (the Deck stage's `defaults`, Orca's `defaultValue`s). */
export function defaultParameterValues(def: StageDefinition): Record<string, string> {
  const values: Record<string, string> = {};
  for (const p of def.parameters) if (p.default !== undefined) values[p.name] = p.default;
  return values;
}
