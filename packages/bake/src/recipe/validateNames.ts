import type { FieldError } from '@outrigger/contract';
import type { BakeProviderName } from './resolveRecipe.js';

/** What EC2 accepts in an AMI name (CreateImage/CopyImage `Name`). */
const AMI_NAME_CHARS = /^[A-Za-z0-9()[\] ./\-'@_]*$/;
const AMI_NAME_MIN = 3;
const AMI_NAME_MAX = 128;

/** One piece of the image name and the request field it came from (none for outrigger's own pieces). */
export interface NamePart {
  value: string;
  field?: string;
}

const bad = (s: string) => [...new Set([...s].filter((c) => !AMI_NAME_CHARS.test(c)))].map((c) => JSON.stringify(c)).join(' ');

/**
 * Pure: every problem with an image name built from `parts` joined by `-`, naming the request field each piece came
 * from. AMI names are 3–128 characters of `A-Z a-z 0-9 ( ) [ ] space . / - ' @ _`; a `..` path step is refused; the
 * `local` provider writes the image to a file named after it, so there a name holds no `/` at all.
 */
export function imageNameErrors(provider: BakeProviderName, parts: NamePart[]): FieldError[] {
  const errors: FieldError[] = [];
  for (const p of parts) {
    if (!p.field) continue;
    if (!AMI_NAME_CHARS.test(p.value)) {
      errors.push({ field: p.field, message: `becomes part of the image name, which may hold only letters, digits and ( ) [ ] space . / - ' @ _ (not ${bad(p.value)})` });
    } else if (provider === 'local' && p.value.includes('/')) {
      errors.push({ field: p.field, message: 'becomes part of the image file name; "/" is not allowed' });
    } else if (p.value.split('/').some((s) => s === '..' || s === '.')) {
      errors.push({ field: p.field, message: 'becomes part of the image name; a "." or ".." path step is not allowed' });
    }
  }
  const name = parts.map((p) => p.value).join('-');
  if (!errors.length && (name.length < AMI_NAME_MIN || name.length > AMI_NAME_MAX)) {
    const field = parts.find((p) => p.field)?.field ?? '$.body.ami_name';
    errors.push({ field, message: `the image name would be ${name.length} characters; it must be ${AMI_NAME_MIN}–${AMI_NAME_MAX}` });
  }
  return errors;
}

/** Rosco's `BakeRequest.Label`. */
export const BASE_LABELS = ['release', 'candidate', 'previous', 'unstable', 'foundation'] as const;

/** Pure: a `base_label` that is not one of Rosco's labels (case-insensitive). */
export function baseLabelErrors(label: string | undefined): FieldError[] {
  if (label === undefined || label === '' || (BASE_LABELS as readonly string[]).includes(label.toLowerCase())) return [];
  return [{ field: '$.body.base_label', message: `expected one of ${BASE_LABELS.join(', ')}` }];
}
