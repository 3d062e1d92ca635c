import type { Request } from 'express';
import type { Logger } from 'pino';

/**
 * Deck's Functions tab and Lambda stage pickers read `GET /functions` and `GET /applications/{app}/functions` through
 * Gate's clouddriver client (Gate's `services.clouddriver.baseUrl`, which plugin-manifests points at outrigger). So
 * outrigger answers those reads for every account: its own Lambda accounts from its inventory, every other account
 * from the real clouddriver (`clouddriver.baseUrl`), asked with the caller's own `X-SPINNAKER-*` headers so that
 * clouddriver filters by the caller's permissions as it always does. If clouddriver does not answer, outrigger's own
 * functions are still served (and the failure is logged), so the tab never goes blank.
 */
export async function clouddriverFunctions(
  baseUrl: string,
  req: Pick<Request, 'originalUrl' | 'headers'>,
  ownAccounts: ReadonlySet<string>,
  logger: Logger,
  timeoutMs = 10_000,
): Promise<Record<string, unknown>[]> {
  const headers: Record<string, string> = { accept: 'application/json' };
  for (const [k, v] of Object.entries(req.headers)) if (/^x-spinnaker-/i.test(k) && typeof v === 'string') headers[k] = v;
  try {
    const res = await fetch(`${baseUrl.replace(/\/+$/, '')}${req.originalUrl}`, { headers, signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) {
      logger.warn({ status: res.status, path: req.originalUrl }, 'clouddriver did not answer a function read; serving outrigger\'s accounts only');
      return [];
    }
    const body = (await res.json()) as unknown;
    if (!Array.isArray(body)) return [];
    // Accounts outrigger serves are answered from its own inventory, never twice.
    return body.filter((f): f is Record<string, unknown> => !!f && typeof f === 'object' && !ownAccounts.has(String((f as { account?: unknown }).account)));
  } catch (err) {
    logger.warn({ err: (err as Error).message, path: req.originalUrl }, 'clouddriver did not answer a function read; serving outrigger\'s accounts only');
    return [];
  }
}
