import type { BakeConfig } from '../config/BakeConfigSchema.js';
import type { BakeRecord } from '../store/BakeRecord.js';

/**
 * Who Packer runs as: the environment (credentials) a bake's Packer process gets. Credentials live only in memory,
 * never in the store; a bake launched after a restart gets them from config again.
 */
export interface PackerIdentity {
  /** Keeps the environment resolved with the recipe until the bake's Packer starts. */
  remember(id: string, env: Record<string, string>): void;
  envFor(b: BakeRecord): Record<string, string>;
  forget(id: string): void;
}

export function createPackerIdentity(deps: { config: BakeConfig }): PackerIdentity {
  const envByBake = new Map<string, Record<string, string>>();
  return {
    remember: (id, env) => void envByBake.set(id, env),
    envFor(b) {
      const e = envByBake.get(b.id);
      if (e) return e;
      const aws = deps.config.aws.bakeryDefaults;
      return b.provider === 'aws' && aws.awsAccessKey && aws.awsSecretKey ? { AWS_ACCESS_KEY_ID: aws.awsAccessKey, AWS_SECRET_ACCESS_KEY: aws.awsSecretKey } : {};
    },
    forget: (id) => void envByBake.delete(id),
  };
}
