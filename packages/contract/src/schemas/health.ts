import { z } from 'zod';
import type { components } from '../generated/openapi.js';
import type { Pinned } from './pin.js';

const UpDown = z.enum(['UP', 'DOWN']);

export const HealthSchema = z.object({
  status: UpDown,
  components: z
    .record(
      z.string(),
      z.object({
        status: UpDown,
        details: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .optional(),
});

export type Health = components['schemas']['Health'];
const _pin: Pinned<z.infer<typeof HealthSchema>, Health> = true;
void _pin;
