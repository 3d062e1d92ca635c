import { stageDefinitions, type StageParameter } from '../stages/definitions.js';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function typeOf(p: StageParameter): string {
  if (p.type === 'enum') return `one of ${(p.options ?? []).map((o) => `\`${o}\``).join(', ')}`;
  if (p.type === 'integer') return `integer${p.min !== undefined ? ` ${p.min}–${p.max ?? '…'}` : ''}`;
  if (p.type === 'account') return `account (${p.capability})`;
  return p.type;
}

/** The README's "Stage reference" section (between the stage-reference markers), generated from the definitions. */
export function referencePage(): string {
  const out: string[] = [
    '### Stage reference',
    '',
    'Generated from `packages/deck-plugin/src/stages/definitions.ts` (`npm run gen:kit`); the same definitions give Orca\'s',
    'preconfigured webhooks (`plugin-manifests/orca/orca-local.yml`) and the Deck plugin\'s forms. Stage JSON:',
    '`{"type": "<type>", "alias": "preconfiguredWebhook", "parameterValues": {…}}`.',
    '',
  ];
  for (const d of stageDefinitions) {
    out.push(`#### ${d.label} (\`${d.key}\`)`, '');
    out.push(`${d.description} ${d.extendedDescription}`, '');
    out.push(
      `Calls \`${d.method.toUpperCase()} ${d.path}\` (operation \`${d.operationId}\`); ` +
        (d.completion === 'task'
          ? 'answers `202` + `Location: /tasks/{id}`; Orca polls `status` until `SUCCEEDED`, `TERMINAL` or `CANCELED` and shows `message` as progress.'
          : 'the first answer is the result' + (d.producesArtifacts ? '; Orca binds its top-level `artifacts`.' : '.')),
      '',
    );
    out.push('| parameter | label | type | default | sent as | help |', '|---|---|---|---|---|---|');
    for (const p of d.parameters) {
      out.push(
        `| \`${p.name}\`${p.required ? ' (required)' : ''} | ${cell(p.label)} | ${cell(typeOf(p))} | ${p.default === undefined || p.default === '' ? '' : `\`${cell(p.default)}\``} | ${p.in === 'path' ? `path \`{${p.target}}\`` : `body \`${p.target}\``}${p.sendWhen?.present && p.sendWhen.param === p.name ? ' (when given)' : ''} | ${cell(p.help)} |`,
      );
    }
    out.push('', `Execution details: ${d.result}`, '');
    if (d.stageTimeoutMs) {
      out.push(
        `A new stage of this type fails after ${d.stageTimeoutMs / 3_600_000} hours (Deck's execution option "fail stage after a specific amount of time", \`stageTimeoutMs\`), not after Orca's default one hour of webhook monitoring; set it above the plan's total bake and hook time for longer plans.`,
        '',
      );
    }
  }
  return out.join('\n');
}
