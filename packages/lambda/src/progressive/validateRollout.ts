import type { DeployLambdaProgressiveDescription, FieldError } from '@outrigger/contract';

/**
 * The rules zod cannot say: a shift plan is a predefined configuration or a step list (not both, not neither); weights
 * rise and end at 100; a target version is a published number or `$LATEST`; a regex compiles; a JSONPath starts at `$`.
 */
export function validateRollout(d: DeployLambdaProgressiveDescription, at = '$.body'): FieldError[] {
  const errors: FieldError[] = [];
  if (d.deploymentType && d.steps) errors.push({ field: `${at}.steps`, message: 'give deploymentType or steps, not both' });
  if (!d.deploymentType && !d.steps) errors.push({ field: `${at}.deploymentType`, message: 'required: a CodeDeploy predefined configuration name, or a custom steps list' });
  if (d.steps) {
    let last = 0;
    d.steps.forEach((s, i) => {
      if (s.weight <= last) errors.push({ field: `${at}.steps[${i}].weight`, message: `weights must rise: ${s.weight} after ${last}` });
      last = Math.max(last, s.weight);
    });
    const final = d.steps[d.steps.length - 1]!;
    if (final.weight !== 100) errors.push({ field: `${at}.steps[${d.steps.length - 1}].weight`, message: 'the last step must be 100' });
  }
  if (d.targetVersion != null && d.targetVersion !== '$LATEST' && !/^[1-9][0-9]*$/.test(d.targetVersion))
    errors.push({ field: `${at}.targetVersion`, message: 'a published version number, or $LATEST to publish' });
  const check = d.gates?.invokeCheck;
  if (check?.regex != null) {
    try {
      new RegExp(check.regex);
    } catch (e) {
      errors.push({ field: `${at}.gates.invokeCheck.regex`, message: `not a regular expression: ${(e as Error).message}` });
    }
  }
  if (check?.jsonPath != null && !check.jsonPath.startsWith('$')) errors.push({ field: `${at}.gates.invokeCheck.jsonPath`, message: 'a JSONPath starts with $' });
  if (check && check.equals !== undefined && check.jsonPath == null) errors.push({ field: `${at}.gates.invokeCheck.jsonPath`, message: 'required with equals' });
  d.gates?.metrics?.forEach((m, i) => {
    if (m.mode === 'rate' && m.metric === 'Duration') errors.push({ field: `${at}.gates.metrics[${i}].mode`, message: 'Duration is compared as absolute milliseconds' });
    if ((m.mode ?? (m.metric === 'Duration' ? 'absolute' : 'rate')) === 'rate' && m.threshold > 1)
      errors.push({ field: `${at}.gates.metrics[${i}].threshold`, message: 'a rate threshold is a fraction between 0 and 1' });
    if (m.statistic != null && m.metric !== 'Duration') errors.push({ field: `${at}.gates.metrics[${i}].statistic`, message: 'only Duration takes a statistic' });
    if (m.statistic != null && !/^(p\d{1,2}(\.\d+)?|Average|Maximum|Minimum)$/.test(m.statistic))
      errors.push({ field: `${at}.gates.metrics[${i}].statistic`, message: 'p50, p90, p99, p99.9, Average, Maximum or Minimum' });
  });
  const fnOf = (v: string) => v.replace(/^arn:aws[a-z-]*:lambda:[^:]+:\d{12}:function:/, '').split(':')[0];
  for (const k of ['beforeAllowTraffic', 'afterAllowTraffic'] as const) {
    const h = d.hooks?.[k];
    if (h != null && !/^[A-Za-z0-9_-]{1,64}$/.test(fnOf(h) ?? '')) errors.push({ field: `${at}.hooks.${k}`, message: 'a Lambda function name or ARN' });
  }
  return errors;
}
