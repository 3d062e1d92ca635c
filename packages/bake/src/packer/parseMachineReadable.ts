/**
 * Pure parsing of `packer build -machine-readable` output (`timestamp,target,type,data...` per line). Results come
 * only from the structured `artifact` lines, never from Packer's human text.
 */

export interface PackerLine {
  /** Unix seconds. */
  timestamp: number;
  /** Build name, or '' for global lines. */
  target: string;
  type: string;
  /** The data fields, unescaped (`%!(PACKER_COMMA)` → `,`, `\n` → newline, `\r` → CR). */
  data: string[];
}

export interface PackerArtifact {
  build: string;
  index: number;
  builderId?: string;
  id?: string;
  string?: string;
  files: string[];
}

export interface PackerRunSummary {
  artifacts: PackerArtifact[];
  /** Build errors (`<build>,error,<message>` lines). */
  errors: string[];
}

export interface RegionImage {
  region: string;
  imageId: string;
}

export function unescapeField(field: string): string {
  return field.replace(/%!\(PACKER_COMMA\)/g, ',').replace(/\\n/g, '\n').replace(/\\r/g, '\r');
}

/** One machine-readable line, or `undefined` for anything else (blank lines, stray non-machine output). */
export function parseLine(line: string): PackerLine | undefined {
  const parts = line.replace(/\r?\n$/, '').split(',');
  if (parts.length < 3) return undefined;
  const [ts, target, type, ...data] = parts as [string, string, string, ...string[]];
  if (!/^\d+$/.test(ts) || !type) return undefined;
  return { timestamp: Number(ts), target, type, data: data.map(unescapeField) };
}

/** Folds the lines of one run into its artifacts and errors. Several artifacts per build are normal. */
export function summarize(lines: Iterable<PackerLine>): PackerRunSummary {
  const byKey = new Map<string, PackerArtifact>();
  const errors: string[] = [];
  for (const l of lines) {
    if (l.type === 'error' && l.target) errors.push(l.data.join(','));
    if (l.type !== 'artifact') continue;
    const [idx, key, ...rest] = l.data;
    const index = Number(idx);
    if (!Number.isInteger(index) || !key) continue;
    const k = `${l.target}\u0000${index}`;
    let a = byKey.get(k);
    if (!a) {
      a = { build: l.target, index, files: [] };
      byKey.set(k, a);
    }
    switch (key) {
      case 'builder-id':
        a.builderId = rest.join(',');
        break;
      case 'id':
        a.id = rest.join(',');
        break;
      case 'string':
        a.string = rest.join(',');
        break;
      case 'file':
        // `file,<j>,<path>`
        if (rest.length >= 2) a.files.push(rest.slice(1).join(','));
        break;
      default:
        break;
    }
  }
  return { artifacts: [...byKey.values()], errors };
}

export function parseMachineReadable(text: string): PackerRunSummary {
  const lines: PackerLine[] = [];
  for (const raw of text.split('\n')) {
    const l = parseLine(raw);
    if (l) lines.push(l);
  }
  return summarize(lines);
}

/**
 * The images of Amazon builders (`mitchellh.amazon*`): their artifact id is `region:ami` pairs joined by commas.
 * Post-processor artifacts repeat the builder's id, so pairs are de-duplicated.
 */
export function amazonImages(artifacts: PackerArtifact[]): RegionImage[] {
  const seen = new Map<string, string>();
  for (const a of artifacts) {
    if (!a.builderId?.startsWith('mitchellh.amazon') || !a.id) continue;
    for (const pair of a.id.split(',')) {
      const m = /^\s*([a-z0-9-]+):(ami-[0-9a-zA-Z]+)\s*$/.exec(pair);
      if (m && !seen.has(m[1]!)) seen.set(m[1]!, m[2]!);
    }
  }
  return [...seen].map(([region, imageId]) => ({ region, imageId }));
}

/** Files written by the `file` builder (`packer.file`), in order. */
export function fileArtifacts(artifacts: PackerArtifact[]): string[] {
  return artifacts.filter((a) => a.builderId === 'packer.file').flatMap((a) => a.files);
}

/** What a person reads in the log for one line: Packer's UI text, artifact summaries and errors; nothing for the rest. */
export function toLogText(l: PackerLine): string | undefined {
  switch (l.type) {
    case 'ui':
      return l.data.slice(1).join(',');
    case 'error':
      return l.target ? `error in ${l.target}: ${l.data.join(',')}` : undefined;
    case 'artifact': {
      const [idx, key, ...rest] = l.data;
      if (key === 'id') return `${l.target || 'build'}: artifact ${idx} id: ${rest.join(',')}`;
      return undefined;
    }
    default:
      return undefined;
  }
}
