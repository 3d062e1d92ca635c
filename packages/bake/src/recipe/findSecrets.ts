import type { BakeRequest } from '@outrigger/contract';

/** A credential found in a request: the JSON path of the field and what it looks like. The value is never kept. */
export interface SecretFinding {
  field: string;
  kind: string;
}

const VALUE_PATTERNS: [string, RegExp][] = [
  ['an AWS access key id', /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['a private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['a GitHub token', /\bgh[pousr]_[A-Za-z0-9]{30,}\b/],
  ['a Slack token', /\bxox[abposr]-[A-Za-z0-9-]{10,}/],
  ['a JSON web token', /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/],
  ['a URL with a password', /[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/i],
  ['an AWS secret access key', /(?:aws)?_?secret_?(?:access)?_?key\s*[=:]\s*[A-Za-z0-9/+]{40}/i],
  ['a password assignment', /\b(?:password|passwd|pwd)\s*[=:]\s*\S+/i],
];

/** Names whose non-empty value is a credential whatever it looks like. */
const SECRET_NAME = /(password|passwd|secret|token|api[_-]?key|private[_-]?key|access[_-]?key|credential|session[_-]?key)/i;

function scanValue(field: string, value: string, out: SecretFinding[]): void {
  for (const [kind, re] of VALUE_PATTERNS) {
    if (re.test(value)) {
      out.push({ field, kind });
      return;
    }
  }
}

/**
 * Credentials in the parts of a bake request that reach Packer (packages, package artifacts, extended attributes and
 * the other free-text fields). A secret in a bake request ends up in the image or its logs, so it is refused.
 */
export function findSecrets(req: BakeRequest): SecretFinding[] {
  const out: SecretFinding[] = [];
  const text: (keyof BakeRequest)[] = ['package', 'ami_name', 'ami_suffix', 'build_info_url', 'build_host', 'job', 'base_ami', 'organization'];
  for (const k of text) {
    const v = req[k];
    if (typeof v === 'string') scanValue(`$.body.${k}`, v, out);
  }
  (req.package_artifacts ?? []).forEach((a, i) => {
    for (const k of ['reference', 'name', 'location'] as const) {
      const v = a[k];
      if (typeof v === 'string') scanValue(`$.body.package_artifacts[${i}].${k}`, v, out);
    }
  });
  for (const [k, v] of Object.entries(req.extended_attributes ?? {})) {
    const field = `$.body.extended_attributes.${k}`;
    const s = String(v);
    if (SECRET_NAME.test(k) && s.trim() !== '' && s !== 'false') {
      out.push({ field, kind: `a credential (the name "${k}" says so)` });
      continue;
    }
    scanValue(field, s, out);
  }
  return out;
}

/**
 * Replaces credentials in a log line with `******`: the configured secret values (bakery access keys,
 * `maskedPackerParameters` values) and anything that looks like a credential.
 */
export function createRedactor(knownSecrets: string[]): (line: string) => string {
  const known = knownSecrets.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  const patterns = [
    /\b(AKIA|ASIA)[0-9A-Z]{16}\b/g,
    /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g,
    /\bxox[abposr]-[A-Za-z0-9-]{10,}/g,
    /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
  ];
  return (line) => {
    let s = line;
    for (const k of known) s = s.split(k).join('******');
    for (const re of patterns) s = s.replace(re, '******');
    s = s.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:)[^\s/@]+@/gi, '$1******@');
    s = s.replace(/((?:password|passwd|pwd|secret|token|secret_key|access_key)\s*[=:]\s*)\S+/gi, '$1******');
    s = s.replace(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, '******');
    return s;
  };
}
