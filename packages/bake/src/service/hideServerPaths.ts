import path from 'node:path';

/**
 * Pure: a function that replaces the server's directories in a message (Packer's own errors quote template and run
 * paths) with a short label, so errors and bake messages never show where outrigger keeps its files.
 */
export function createPathHider(roots: { dir: string; label: string }[]): (text: string) => string {
  const sorted = roots
    .filter((r) => r.dir)
    .map((r) => ({ dir: path.resolve(r.dir), label: r.label }))
    .sort((a, b) => b.dir.length - a.dir.length);
  return (text) => {
    let s = text;
    for (const r of sorted) s = s.split(`${r.dir}${path.sep}`).join(`${r.label}/`).split(r.dir).join(r.label);
    return s;
  };
}
