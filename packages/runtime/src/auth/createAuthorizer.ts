import axios, { type AxiosInstance } from 'axios';
import type { Request } from 'express';
import type { AccountConfig, OutriggerConfig } from '../config/configSchema.js';
import { resolveAccounts } from '../config/resolveAccounts.js';
import { InputError, NotAllowedError, ServiceUnavailableError } from '../errors/errors.js';
import type { Action, Principal } from './Principal.js';

export interface Authorizer {
  /** Reads the caller from the request headers, asking Fiat when it is configured. */
  principalFor(req: Pick<Request, 'header'>): Promise<Principal>;
  /** Whether the principal may READ or WRITE the account. */
  canUse(principal: Principal, account: AccountConfig, action: Action): boolean;
  /** The configured accounts the principal may READ (for filtering list answers). */
  readableAccounts(principal: Principal): AccountConfig[];
  /** The configured accounts the principal may WRITE. */
  writableAccounts(principal: Principal): AccountConfig[];
  /**
   * The account named in a request, if the principal may use it for `action`. An unknown account is a 400 naming
   * `field` (listing only the accounts the caller may see); a known one the caller may not use is a 403.
   */
  requireAccount(principal: Principal, name: string | undefined, action: Action, field: string): AccountConfig;
  /**
   * With Fiat: DOWN when Fiat does not answer (the last authorization call failed and a probe of its `/health` fails
   * too), since every request that needs a decision then fails closed. Without Fiat: undefined (no component).
   */
  health?: () => Promise<{ status: 'UP' | 'DOWN'; details?: Record<string, unknown> }>;
}

interface FiatView {
  admin?: boolean;
  accounts?: { name: string; authorizations?: string[] }[];
}

/**
 * Authorization as clouddriver does it. With Fiat (`auth.fiat.enabled`), `GET {fiat}/authorize/{user}` decides and is
 * cached for `cacheSeconds`; if Fiat does not answer, requests fail closed with a 503. Without Fiat,
 * `X-SPINNAKER-ACCOUNTS` (which Gate and Orca forward) lists the usable accounts; with no such header, only accounts
 * without `permissions` are usable, as in a Spinnaker without Fiat.
 */
export function createAuthorizer(deps: {
  config: OutriggerConfig;
  http?: AxiosInstance;
  now?: () => number;
}): Authorizer {
  const { config } = deps;
  const fiat = config.auth.fiat;
  const http = deps.http ?? axios.create({ timeout: fiat.timeoutMs });
  const now = deps.now ?? Date.now;
  // AWS accounts and ECS accounts (by their own names, with the credentials of their AWS account).
  const accounts = new Map(resolveAccounts(config).map((a) => [a.name, a]));
  const cache = new Map<string, { at: number; principal: Principal }>();
  /** The outcome of the last call to Fiat: what /health reports. */
  let last: { ok: boolean; at: number; error?: string } | undefined;

  async function fromFiat(user: string): Promise<Principal> {
    const hit = cache.get(user);
    if (hit && now() - hit.at < fiat.cacheSeconds * 1000) return hit.principal;
    let view: FiatView;
    try {
      const res = await http.get<FiatView>(`${fiat.baseUrl!.replace(/\/$/, '')}/authorize/${encodeURIComponent(user)}`);
      view = res.data ?? {};
      last = { ok: true, at: now() };
    } catch (err) {
      const status = axios.isAxiosError(err) ? err.response?.status : undefined;
      if (status === 404) {
        view = {};
        last = { ok: true, at: now() };
      } else {
        last = { ok: false, at: now(), error: status ? `HTTP ${status}` : (err as Error).message || 'no response' };
        throw new ServiceUnavailableError(`Fiat did not answer for user "${user}" (${status ? `HTTP ${status}` : 'no response'}); try again shortly`, { cause: err });
      }
    }
    const map = new Map<string, Set<Action>>();
    for (const a of view.accounts ?? []) {
      map.set(a.name, new Set((a.authorizations ?? []).filter((x): x is Action => x === 'READ' || x === 'WRITE')));
    }
    const principal: Principal = { user, anonymous: user === 'anonymous', admin: view.admin === true, accounts: map };
    cache.set(user, { at: now(), principal });
    return principal;
  }

  const authorizer: Authorizer = {
    async principalFor(req) {
      const user = req.header('x-spinnaker-user')?.trim() || 'anonymous';
      if (fiat.enabled) return fromFiat(user);
      const header = req.header('x-spinnaker-accounts');
      if (header === undefined) return { user, anonymous: user === 'anonymous', admin: false };
      const both = (): Set<Action> => new Set<Action>(['READ', 'WRITE']);
      const named = header.split(',').map((s) => s.trim()).filter(Boolean);
      return { user, anonymous: user === 'anonymous', admin: false, accounts: new Map(named.map((n) => [n, both()])) };
    },
    canUse(principal, account, action) {
      if (principal.admin) return true;
      if (principal.accounts) return principal.accounts.get(account.name)?.has(action) ?? false;
      return account.permissions.READ.length === 0 && account.permissions.WRITE.length === 0;
    },
    readableAccounts(principal) {
      return [...accounts.values()].filter((a) => authorizer.canUse(principal, a, 'READ'));
    },
    writableAccounts(principal) {
      return [...accounts.values()].filter((a) => authorizer.canUse(principal, a, 'WRITE'));
    },
    requireAccount(principal, name, action, field) {
      if (!name) throw new InputError('Validation Failed', { errors: [{ field, message: 'an account name is required' }] });
      const account = accounts.get(name);
      if (!account) {
        const visible = authorizer.readableAccounts(principal).map((a) => a.name);
        throw new InputError('Validation Failed', {
          errors: [{ field, message: `credentials not found (name: ${name}, names: ${visible.join(',')})` }],
        });
      }
      if (!authorizer.canUse(principal, account, action)) {
        throw new NotAllowedError(`Access denied to account ${name} - required authorization: ${action}`);
      }
      return account;
    },
  };
  if (fiat.enabled) {
    authorizer.health = async () => {
      if (!last?.ok) {
        // No call yet, or the last one failed: make one (the anonymous user's view; 404 is an answer too).
        try {
          await fromFiat('anonymous');
          cache.delete('anonymous');
        } catch {
          /* `last` holds the error */
        }
      }
      if (last?.ok) return { status: 'UP', details: { baseUrl: fiat.baseUrl, lastAnsweredAt: new Date(last.at).toISOString() } };
      return {
        status: 'DOWN',
        details: { baseUrl: fiat.baseUrl, error: `Fiat does not answer (${last?.error ?? 'no response'}); every request that needs an authorization decision fails with 503` },
      };
    };
  }
  return authorizer;
}
