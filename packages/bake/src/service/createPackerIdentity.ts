import type { BakeConfig } from '../config/BakeConfigSchema.js';
import type { BakeRecord } from '../store/BakeRecord.js';
import type { CredentialsEndpoint } from './createCredentialsEndpoint.js';

/** Ambient AWS settings Packer must not pick up in place of the bake's account (environment, profiles, files). */
const AMBIENT_AWS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_ROLE_ARN',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
] as const;

/**
 * Who Packer runs as: the environment a bake's Packer process gets.
 * - an aws bake with an account (`account_name`, `bake.aws.bakeAccount`, or the first of `aws.accounts`): that
 *   account's credentials, the ones outrigger's own SDK clients use, served from the loopback credentials endpoint;
 *   ambient credentials, profiles, shared files and instance metadata are cut off so Packer cannot act as anyone else;
 * - an aws bake without accounts: Rosco's `bakeryDefaults.awsAccessKey`/`awsSecretKey` when set, else the ambient chain;
 * - a local bake: nothing added.
 * Credentials live only in memory and in Packer's environment, never in the store or a file.
 */
export interface PackerIdentity {
  /** Keeps the environment resolved with the recipe until the bake's Packer starts. */
  remember(id: string, env: Record<string, string>): void;
  /** `undefined` values remove an inherited variable. */
  envFor(b: BakeRecord): Record<string, string | undefined>;
  forget(id: string): void;
}

export function createPackerIdentity(deps: { config: BakeConfig; endpoint: CredentialsEndpoint }): PackerIdentity {
  const envByBake = new Map<string, Record<string, string>>();
  return {
    remember: (id, env) => void envByBake.set(id, env),
    envFor(b) {
      if (b.provider !== 'aws') return {};
      const served = b.recipe.account ? deps.endpoint.envFor(b.id) : undefined;
      if (served) {
        const cutOff = Object.fromEntries(AMBIENT_AWS.map((k) => [k, undefined]));
        return { ...cutOff, AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_CONFIG_FILE: '/dev/null', AWS_EC2_METADATA_DISABLED: 'true', ...served };
      }
      const e = envByBake.get(b.id);
      if (e && Object.keys(e).length) return e;
      const aws = deps.config.aws.bakeryDefaults;
      return aws.awsAccessKey && aws.awsSecretKey ? { AWS_ACCESS_KEY_ID: aws.awsAccessKey, AWS_SECRET_ACCESS_KEY: aws.awsSecretKey } : {};
    },
    forget: (id) => void envByBake.delete(id),
  };
}
