import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import type { Logger } from 'pino';
import { InputError } from '../errors/errors.js';

/**
 * Addresses an artifact fetch refuses unless `artifacts.allowedHosts` names them: where cloud metadata, the server's
 * own ports and the internal network live. Everything that is not public unicast.
 */
const REFUSED_V4 = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata: 169.254.169.254)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const;
const REFUSED_V6 = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b::', 96], // NAT64: reaches IPv4 addresses
  ['100::', 64], // discard
  ['fc00::', 7], // unique-local (fd00:ec2::254 is EC2's IPv6 metadata)
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const;

const refused = new BlockList();
for (const [net, prefix] of REFUSED_V4) refused.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of REFUSED_V6) refused.addSubnet(net, prefix, 'ipv6');

/** `::ffff:a.b.c.d` / `::ffff:7f00:1` → `a.b.c.d`: an IPv4-mapped address is judged as the IPv4 address it is. */
function unmapped(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const v = isIP(address);
  if (v === 4) return { address, family: 'ipv4' };
  const m = /^(?:0{0,4}:){0,5}:?ffff:(.+)$/i.exec(address.replace(/^\[|\]$/g, ''));
  if (m) {
    const tail = m[1]!;
    if (isIP(tail) === 4) return { address: tail, family: 'ipv4' };
    const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(tail);
    if (hex) {
      const hi = parseInt(hex[1]!, 16);
      const lo = parseInt(hex[2]!, 16);
      return { address: `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, family: 'ipv4' };
    }
  }
  return { address: address.replace(/^\[|\]$/g, ''), family: 'ipv6' };
}

/** `artifacts.allowedHosts`: host names (exact, or `*.example.com` for its subdomains), IP addresses and CIDRs. */
export interface HostPolicy {
  /** Whether a URL host (by name) is listed. */
  allowsName(hostname: string): boolean;
  /** Whether a resolved address may be connected to: public, or inside a listed address/CIDR. */
  allowsAddress(address: string): boolean;
}

export function createHostPolicy(allowedHosts: readonly string[]): HostPolicy {
  const names = new Set<string>();
  const suffixes: string[] = [];
  const allowed = new BlockList();
  for (const raw of allowedHosts) {
    const entry = raw.trim().toLowerCase();
    const cidr = /^(.+)\/(\d{1,3})$/.exec(entry);
    if (cidr && isIP(cidr[1]!)) {
      const u = unmapped(cidr[1]!);
      allowed.addSubnet(u.address, Number(cidr[2]), u.family);
    } else if (isIP(entry.replace(/^\[|\]$/g, ''))) {
      const u = unmapped(entry);
      allowed.addAddress(u.address, u.family);
    } else if (entry.startsWith('*.')) suffixes.push(entry.slice(1));
    else names.add(entry);
  }
  return {
    allowsName: (hostname) => {
      const h = hostname.toLowerCase().replace(/\.$/, '');
      return names.has(h) || suffixes.some((s) => h.endsWith(s));
    },
    allowsAddress: (address) => {
      const u = unmapped(address);
      return allowed.check(u.address, u.family) || !refused.check(u.address, u.family);
    },
  };
}

/** Checks `artifacts.allowedHosts` entries; returns one message per entry that is neither a host name nor an address/CIDR. */
export function allowedHostsProblems(allowedHosts: readonly string[]): { index: number; message: string }[] {
  const out: { index: number; message: string }[] = [];
  allowedHosts.forEach((raw, index) => {
    const e = raw.trim();
    const cidr = /^(.+)\/(\d{1,3})$/.exec(e);
    if (cidr) {
      const v = isIP(cidr[1]!);
      if (!v || Number(cidr[2]) > (v === 4 ? 32 : 128)) out.push({ index, message: `"${raw}" is not a CIDR (address/prefix)` });
    } else if (!isIP(e.replace(/^\[|\]$/g, '')) && !/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/i.test(e)) {
      out.push({ index, message: `"${raw}" is not a host name, IP address or CIDR` });
    }
  });
  return out;
}

export interface FetchedArtifact {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The URL that answered, after redirects. */
  url: string;
}

export interface ArtifactFetchOptions {
  headers?: Record<string, string>;
  /** Largest body read; a longer one is an InputError naming `field` ("too large"). */
  maxBytes: number;
  timeoutMs: number;
  /** Follow redirects (each hop is checked again); `false` treats a redirect as a failure. Default true. */
  followRedirects?: boolean;
  /** The request field that holds the URL, for error bodies (`$.body.artifact`). */
  field?: string;
}

/** One outbound GET of an artifact, guarded. Every failure is the same {@link InputError}; the log says why. */
export type ArtifactFetcher = (url: string, options: ArtifactFetchOptions) => Promise<FetchedArtifact>;

export interface ArtifactFetcherDeps {
  /** `artifacts.allowedHosts`. */
  allowedHosts: readonly string[];
  logger?: Logger;
  /** DNS (tests resolve names to loopback with it). */
  lookup?: typeof dnsLookup;
  maxRedirects?: number;
}

/** Strips userinfo and query (tokens) from a URL for messages. */
function hideUrlSecrets(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.href;
  } catch {
    return '(invalid URL)';
  }
}

class Refused extends Error {}

/**
 * The one way outrigger fetches an artifact over HTTP (ECS render and operations, Lambda code from `http/file`, GitHub
 * contents). Only http and https; the host is resolved first and every address it resolves to must be public unicast
 * or inside `artifacts.allowedHosts` (or the URL's host name must be listed there), and the connection goes to the
 * address that was checked, so a DNS answer cannot change between check and connect. Redirects are followed by hand
 * (at most 5), each hop checked the same way; credentials headers are dropped when a redirect leaves the origin.
 *
 * Whatever goes wrong (refused address, DNS failure, connection refused, timeout, TLS, a non-2xx answer) the caller
 * sees the same 400, "could not be fetched", so the endpoint cannot be used to map which internal ports answer; the
 * reason is logged for the operator.
 */
export function createArtifactFetcher(deps: ArtifactFetcherDeps): ArtifactFetcher {
  const policy = createHostPolicy(deps.allowedHosts);
  const resolve = deps.lookup ?? dnsLookup;
  const maxRedirects = deps.maxRedirects ?? 5;

  const guardedLookup = (nameAllowed: boolean): LookupFunction =>
    ((hostname: string, options: { all?: boolean; family?: number }, callback: (...a: unknown[]) => void) => {
      resolve(hostname, { all: true, ...(options.family ? { family: options.family } : {}) }, (err, addresses: LookupAddress[]) => {
        if (err) return callback(err);
        const bad = nameAllowed ? undefined : addresses.find((a) => !policy.allowsAddress(a.address));
        if (bad) return callback(new Refused(`${hostname} resolves to ${bad.address}, which artifacts.allowedHosts does not list`));
        if (!addresses.length) return callback(new Error(`${hostname} has no address`));
        if (options.all) return callback(null, addresses);
        return callback(null, addresses[0]!.address, addresses[0]!.family);
      });
    }) as unknown as LookupFunction;

  const once = (url: URL, headers: Record<string, string>, maxBytes: number, signal: AbortSignal) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body?: Buffer; tooBig?: number | true }>((resolveP, reject) => {
      const host = url.hostname.replace(/^\[|\]$/g, '');
      const nameAllowed = policy.allowsName(host);
      if (isIP(host) && !nameAllowed && !policy.allowsAddress(host)) return reject(new Refused(`${host} is an address artifacts.allowedHosts does not list`));
      const mod = url.protocol === 'https:' ? https : http;
      const req = mod.request(url, { method: 'GET', headers, signal, lookup: guardedLookup(nameAllowed), agent: false }, (res) => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          res.resume();
          return resolveP({ status, headers: res.headers });
        }
        const declared = Number(res.headers['content-length'] ?? NaN);
        if (Number.isFinite(declared) && declared > maxBytes) {
          res.destroy();
          return resolveP({ status, headers: res.headers, tooBig: declared });
        }
        const chunks: Buffer[] = [];
        let total = 0;
        res.on('data', (c: Buffer) => {
          total += c.length;
          if (total > maxBytes) {
            res.destroy();
            resolveP({ status, headers: res.headers, tooBig: true });
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => resolveP({ status, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });

  return async (rawUrl, options) => {
    const field = options.field ?? '$.body.artifact';
    const fail = (reason: string, cause?: unknown): never => {
      deps.logger?.warn({ url: hideUrlSecrets(rawUrl), reason }, 'artifact fetch failed');
      throw new InputError(
        `The artifact at ${hideUrlSecrets(rawUrl)} could not be fetched: the address is not allowed (artifacts.allowedHosts), it did not answer, or it answered with an error. The server log has the reason.`,
        { errors: [{ field, message: 'could not be fetched' }], ...(cause ? { cause } : {}) },
      );
    };
    const signal = AbortSignal.timeout(options.timeoutMs);
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch (err) {
      return fail('not a URL', err);
    }
    let headers = { ...options.headers };
    for (let hop = 0; ; hop++) {
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail(`scheme ${url.protocol} is not http or https`);
      let r;
      try {
        r = await once(url, headers, options.maxBytes, signal);
      } catch (err) {
        const e = err as Error;
        return fail(e.name === 'TimeoutError' || e.name === 'AbortError' ? `timed out after ${options.timeoutMs} ms` : e.message, err);
      }
      if (r.tooBig !== undefined) {
        throw new InputError(
          `The artifact at ${hideUrlSecrets(rawUrl)} is larger than ${options.maxBytes} bytes${typeof r.tooBig === 'number' ? ` (${r.tooBig})` : ''}.`,
          { errors: [{ field, message: 'too large' }] },
        );
      }
      if (r.status >= 300 && r.status < 400 && r.headers.location) {
        if (options.followRedirects === false) return fail(`redirect (${r.status}) refused: redirects are not followed here`);
        if (hop >= maxRedirects) return fail(`more than ${maxRedirects} redirects`);
        const next = new URL(r.headers.location, url);
        if (next.origin !== url.origin) {
          headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !/^(authorization|cookie|proxy-authorization)$/i.test(k)));
        }
        url = next;
        continue;
      }
      if (!r.body) return fail(`answered HTTP ${r.status}`);
      return { status: r.status, headers: r.headers, body: r.body, url: url.href };
    }
  };
}
