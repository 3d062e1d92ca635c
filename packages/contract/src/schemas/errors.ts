import { z } from 'zod';
import type { components } from '../generated/openapi.js';
import type { Pinned } from './pin.js';

export const FieldErrorSchema = z.object({
  field: z.string(),
  message: z.string(),
});

/** Spinnaker's kork/Spring error map plus `errors[]`, the one error body every outrigger answer uses. */
export const ErrorBodySchema = z.object({
  timestamp: z.number().int(),
  status: z.number().int(),
  error: z.string(),
  message: z.string(),
  path: z.string(),
  requestId: z.string().optional(),
  errors: z.array(FieldErrorSchema).optional(),
});

export type FieldError = components['schemas']['FieldError'];
export type ErrorBody = components['schemas']['ErrorBody'];

const _pinField: Pinned<z.infer<typeof FieldErrorSchema>, FieldError> = true;
const _pinBody: Pinned<z.infer<typeof ErrorBodySchema>, ErrorBody> = true;
void _pinField;
void _pinBody;
