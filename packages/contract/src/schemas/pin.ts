/**
 * Compile-time pin of a zod schema to its generated OpenAPI type: `Pinned<A, B>` is `true` only when each type is
 * assignable to the other. A schema file ends with `const _pin: Pinned<z.infer<typeof XSchema>, components['schemas']['X']> = true;`
 * so a YAML edit that is not mirrored in zod (or the reverse) breaks `tsc -b`.
 */
export type Pinned<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
