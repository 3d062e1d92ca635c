import { lintSource } from '@secretlint/core';
import { creator as recommendedPreset } from '@secretlint/secretlint-rule-preset-recommend';
import type { SecretLintCoreConfig } from '@secretlint/types';
import type { BakeRequest } from '@outrigger/contract';

/** A credential found in a request: the JSON path of the field and what it looks like. The value is never kept. */
export interface SecretFinding {
  field: string;
  kind: string;
}

/**
 * secretlint's recommended rule set (maintained upstream: AWS, GitHub, GitLab, npm, Slack, private keys, basic auth,
 * database URLs, cloud and SaaS tokens), with the AWS access key id scan turned on.
 */
const SECRETLINT_CONFIG: SecretLintCoreConfig = {
  rules: [
    {
      id: '@secretlint/secretlint-rule-preset-recommend',
      rule: recommendedPreset,
      rules: [{ id: '@secretlint/secretlint-rule-aws', options: { enableIDScanRule: true } }],
    },
  ],
};

/** secretlint findings that are not credentials (an AWS account id is an identifier). */
const NOT_SECRET_MESSAGES = new Set(['AWSAccountID']);

/**
 * What the rule set lacks for bake requests: AWS's own documentation keys (secretlint ignores them, but a request
 * carrying them is still a credential pasted into a bake), shorter token forms, private key headers without a body,
 * and `password: x`-style assignments in free text.
 */
const EXTRA_VALUE_PATTERNS: [string, RegExp][] = [
  ['an AWS access key id', /\b(?:AKIA|ASIA|A3T[A-Z0-9]|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[0-9A-Z]{16}\b/],
  ['an AWS secret access key', /(?:aws)?_?secret_?(?:access)?_?key["']?\s*(?::|=>|=)\s*["']?[A-Za-z0-9/+=]{40}\b/i],
  ['a GitHub token', /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/],
  ['a GitLab token', /\bgl(?:pat|ptt|dt|rt|cbt|oas|soat|ffct|imt|agent)-[A-Za-z0-9_-]{16,}/],
  ['an npm token', /\bnpm_[A-Za-z0-9]{20,}/],
  ['a Slack token', /\bxox[abposre]-[A-Za-z0-9-]{10,}/],
  ['a JSON web token', /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/],
  ['a private key', /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/],
  ['a URL with a password', /[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/i],
];

/** Words that make a name a credential's (Spinnaker configs and Packer templates use all of these). */
const SECRET_WORDS = new Set([
  'password', 'passwd', 'pwd', 'pass', 'passphrase', 'passcode', 'secret', 'secrets', 'token', 'tokens', 'apikey', 'credential',
  'credentials', 'creds', 'auth', 'authorization', 'authtoken', 'privatekey', 'accesskey', 'secretkey', 'sessionkey', 'sessiontoken',
  'clientsecret', 'bearer', 'cookie', 'pat', 'otp', 'pin', 'signingkey', 'encryptionkey', 'masterkey', 'dbpass', 'dbpassword',
]);
/** Word pairs that name a credential together (`api_key`, `private_key`, `access_key`...). */
const SECRET_PAIRS = new Set(['api key', 'private key', 'access key', 'secret key', 'session key', 'session token', 'client secret', 'signing key', 'encryption key', 'master key', 'auth token', 'access token', 'refresh token', 'id token']);
/** A name ending like this names a file or a location, not a credential: Rosco passes `ssh_private_key_file`, so do we. */
const NAMES_A_FILE = new Set(['file', 'path', 'filename', 'filepath', 'dir', 'directory', 'location', 'url', 'uri', 'arn', 'id', 'name', 'type', 'length', 'size']);

/** `db_password`, `dbPassword`, `DB-PASSWORD` → `['db', 'password']`. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Pure: whether a variable or attribute name says its value is a credential. */
export function isSecretName(name: string): boolean {
  const w = words(name);
  if (!w.length || NAMES_A_FILE.has(w[w.length - 1]!)) return false;
  if (w.some((x) => SECRET_WORDS.has(x)) || SECRET_WORDS.has(w.join(''))) return true;
  for (let i = 0; i + 1 < w.length; i++) {
    if (SECRET_PAIRS.has(`${w[i]} ${w[i + 1]}`) || SECRET_WORDS.has(`${w[i]}${w[i + 1]}`)) return true;
  }
  return false;
}

/** `password: x`, `DB_PASSWORD=x`, `auth => x` inside free text. */
const ASSIGNMENT = /([A-Za-z][A-Za-z0-9_.-]*)["']?\s*(?::|=>|=)\s*["']?[^\s"',;]+/g;
function secretAssignment(text: string): boolean {
  for (const m of text.matchAll(ASSIGNMENT)) if (isSecretName(m[1]!)) return true;
  return false;
}

const KIND_BY_RULE: Record<string, string> = {
  '@secretlint/secretlint-rule-aws': 'an AWS credential',
  '@secretlint/secretlint-rule-github': 'a GitHub token',
  '@secretlint/secretlint-rule-gitlab': 'a GitLab token',
  '@secretlint/secretlint-rule-npm': 'an npm token',
  '@secretlint/secretlint-rule-slack': 'a Slack token',
  '@secretlint/secretlint-rule-privatekey': 'a private key',
  '@secretlint/secretlint-rule-basicauth': 'a URL with a password',
  '@secretlint/secretlint-rule-database-connection-string': 'a database connection string with a password',
};
const kindOf = (ruleId: string) => KIND_BY_RULE[ruleId] ?? `a credential (${ruleId.replace('@secretlint/secretlint-rule-', '')})`;

interface Segment {
  field: string;
  /** Text of the segment; for attributes `name: value`, so the rule set sees the assignment. */
  text: string;
  /** Length of the `name: ` prefix (a finding inside it is about the name). */
  nameLength: number;
  /** Shown instead of `field` when the name itself is the finding. */
  anonymousField: string;
  ordinal?: number;
}

function segmentsOf(req: BakeRequest): Segment[] {
  const out: Segment[] = [];
  const text: (keyof BakeRequest)[] = ['package', 'ami_name', 'ami_suffix', 'build_info_url', 'build_host', 'job', 'base_ami', 'organization', 'base_os', 'base_label', 'commit_hash', 'build_number', 'user', 'instance_type', 'account_name'];
  for (const k of text) {
    const v = req[k];
    if (typeof v === 'string' && v) out.push({ field: `$.body.${k}`, text: v, nameLength: 0, anonymousField: `$.body.${k}` });
  }
  (req.package_artifacts ?? []).forEach((a, i) => {
    for (const k of ['reference', 'name', 'location', 'version'] as const) {
      const v = a[k];
      if (typeof v === 'string' && v) out.push({ field: `$.body.package_artifacts[${i}].${k}`, text: v, nameLength: 0, anonymousField: `$.body.package_artifacts[${i}].${k}` });
    }
  });
  Object.entries(req.extended_attributes ?? {}).forEach(([k, v], i) => {
    const prefix = `${k}: `;
    out.push({ field: `$.body.extended_attributes.${k}`, text: `${prefix}${String(v)}`, nameLength: prefix.length, anonymousField: '$.body.extended_attributes', ordinal: i + 1 });
  });
  return out;
}

const ordinalText = (n: number) => `${n}${n % 10 === 1 && n % 100 !== 11 ? 'st' : n % 10 === 2 && n % 100 !== 12 ? 'nd' : n % 10 === 3 && n % 100 !== 13 ? 'rd' : 'th'}`;

function finding(seg: Segment, kind: string, inName: boolean): SecretFinding {
  // A name that is itself the finding is never echoed: the field is the attribute map, the attribute named by position.
  if (inName && seg.ordinal !== undefined) return { field: seg.anonymousField, kind: `${kind}, in the name of the ${ordinalText(seg.ordinal)} attribute` };
  return { field: seg.field, kind };
}

/**
 * Credentials in the parts of a bake request that reach Packer (packages, package artifacts, extended attributes and
 * the other free-text fields), found with secretlint's recommended rules plus outrigger's own names and patterns. A
 * secret in a bake request ends up in the image or its logs, so it is refused. Findings carry the field and the kind,
 * never the value, and never an attribute name that is itself the finding.
 */
export async function findSecrets(req: BakeRequest): Promise<SecretFinding[]> {
  const segments = segmentsOf(req);
  const found = new Map<number, SecretFinding>();
  segments.forEach((seg, i) => {
    if (seg.ordinal !== undefined) {
      const name = seg.text.slice(0, seg.nameLength - 2);
      const value = seg.text.slice(seg.nameLength).trim();
      if (isSecretName(name) && value !== '' && value !== 'false') return void found.set(i, finding(seg, 'a credential (its name says so)', true));
      for (const [kind, re] of EXTRA_VALUE_PATTERNS) if (re.test(name)) return void found.set(i, finding(seg, kind, true));
    }
    const value = seg.text.slice(seg.nameLength);
    for (const [kind, re] of EXTRA_VALUE_PATTERNS) if (re.test(value)) return void found.set(i, finding(seg, kind, false));
    if (secretAssignment(value)) found.set(i, finding(seg, 'a credential assignment', false));
  });
  // One secretlint pass over every segment, each on its own line(s); findings map back by offset.
  const starts: number[] = [];
  let content = '';
  for (const seg of segments) {
    starts.push(content.length);
    content += `${seg.text}\n`;
  }
  if (content) {
    const result = await lintSource({ source: { filePath: 'bake-request.txt', content, ext: '.txt', contentType: 'text' }, options: { config: SECRETLINT_CONFIG } });
    for (const m of result.messages) {
      if (NOT_SECRET_MESSAGES.has(m.messageId)) continue;
      const at = m.range[0];
      let i = starts.length - 1;
      while (i > 0 && starts[i]! > at) i--;
      if (found.has(i)) continue;
      const seg = segments[i]!;
      found.set(i, finding(seg, kindOf(m.ruleId), at - starts[i]! < seg.nameLength));
    }
  }
  return [...found.entries()].sort((a, b) => a[0] - b[0]).map(([, f]) => f);
}

/**
 * Masks what secretlint's recommended rule set finds in a batch of log lines (Slack webhooks, database connection
 * strings, SaaS keys and the rest it maintains) with `******`, one secretlint pass over the batch. Line breaks inside a
 * finding are kept, so the batch keeps its number of lines. Runs on top of `createRedactor`'s patterns.
 */
export async function maskSecretsInLines(lines: readonly string[]): Promise<string[]> {
  if (!lines.length) return [];
  const content = lines.join('\n');
  const result = await lintSource({ source: { filePath: 'packer-output.txt', content, ext: '.txt', contentType: 'text' }, options: { config: SECRETLINT_CONFIG } });
  const ranges = result.messages
    .filter((m) => !NOT_SECRET_MESSAGES.has(m.messageId))
    .map((m) => m.range)
    .sort((a, b) => a[0] - b[0]);
  if (!ranges.length) return [...lines];
  let out = '';
  let pos = 0;
  for (const [start, end] of ranges) {
    if (end <= pos) continue;
    const from = Math.max(start, pos);
    out += content.slice(pos, from) + content.slice(from, end).replace(/[^\n]+/g, '******');
    pos = end;
  }
  return (out + content.slice(pos)).split('\n');
}

/** Masks every match of the value patterns and secret assignments in a line. */
const REDACT_PATTERNS: RegExp[] = EXTRA_VALUE_PATTERNS.filter(([kind]) => kind !== 'a URL with a password' && kind !== 'an AWS secret access key' && kind !== 'a private key').map(
  ([, re]) => new RegExp(re.source, `${re.flags.replace('g', '')}g`),
);

/**
 * Replaces credentials in a log line with `******`: the configured secret values (bakery access keys,
 * `maskedPackerParameters` values) and anything that looks like a credential.
 */
export function createRedactor(knownSecrets: string[]): (line: string) => string {
  const known = knownSecrets.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  return (line) => {
    let s = line;
    for (const k of known) s = s.split(k).join('******');
    for (const re of REDACT_PATTERNS) s = s.replace(re, '******');
    s = s.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:)[^\s/@]+@/gi, '$1******@');
    s = s.replace(/((?:aws)?_?secret_?(?:access)?_?key["']?\s*(?::|=>|=)\s*["']?)[A-Za-z0-9/+=]{40}/gi, '$1******');
    s = s.replace(ASSIGNMENT, (m: string, name: string) => (isSecretName(name) ? m.replace(/((?::|=>|=)\s*["']?).*$/, '$1******') : m));
    s = s.replace(/-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|$)/g, '******');
    return s;
  };
}
