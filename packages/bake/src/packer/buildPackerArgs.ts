/** Pure: the argv of `packer build` for one bake (no shell; variables go in a private var-file, not argv). */
export function buildPackerArgs(opts: {
  template: string;
  /** The private var-file outrigger writes (request variables). */
  privateVarFile: string;
  /** The operator's var-files (`var_file_name`), applied after ours as in Rosco. */
  varFiles: string[];
  additionalParameters?: string[];
}): string[] {
  return [
    'build',
    '-machine-readable',
    '-color=false',
    '-on-error=cleanup',
    ...(opts.additionalParameters ?? []),
    `-var-file=${opts.privateVarFile}`,
    ...opts.varFiles.map((f) => `-var-file=${f}`),
    opts.template,
  ];
}

/** Pure: the argv of `packer validate` for the same inputs. */
export function buildValidateArgs(opts: { template: string; privateVarFile: string; varFiles: string[] }): string[] {
  return ['validate', `-var-file=${opts.privateVarFile}`, ...opts.varFiles.map((f) => `-var-file=${f}`), opts.template];
}
