import type { FieldError } from '@outrigger/contract';

/**
 * Base of every error outrigger throws on purpose. `name` is the constructor's name, which is what `statusFor`
 * switches on (not `instanceof`, so duplicated package copies still map). `cause` is kept for logs, never served.
 */
export class OutriggerError extends Error {
  /** Field-level problems, served as `errors[]` in the error body. */
  readonly errors?: FieldError[];

  constructor(message: string, options?: { cause?: unknown; errors?: FieldError[] }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    if (options?.errors) this.errors = options.errors;
  }
}
