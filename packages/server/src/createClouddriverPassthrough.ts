import http from 'node:http';
import https from 'node:https';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { errorBody } from '@outrigger/runtime';

/** Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection and are not forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'upgrade']);

function endToEnd(headers: http.IncomingHttpHeaders | http.OutgoingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || HOP_BY_HOP.has(k) || named.has(k)) continue;
    out[k] = v;
  }
  return out;
}

/**
 * The clouddriver passthrough: with outrigger at Orca's `clouddriver.baseUrl`, every request no outrigger route
 * answered is streamed unchanged (method, path and query, headers, body) to the real clouddriver, and its answer is
 * streamed back (status, headers, body). Nothing is parsed; a body a router already read as raw bytes
 * (`req.rawBody`, the `/aws/ops` list form holding non-Lambda operations) is sent as those bytes. `Host` names the
 * upstream. An unreachable clouddriver is a 502 in Spinnaker's error shape.
 */
export function createClouddriverPassthrough(deps: { baseUrl: string; logger: Logger; timeoutMs?: number }): RequestHandler {
  const upstream = new URL(deps.baseUrl);
  const client = upstream.protocol === 'https:' ? https : http;
  const agent = new client.Agent({ keepAlive: true });
  const basePath = upstream.pathname.replace(/\/$/, '');

  return function clouddriverPassthrough(req, res, next) {
    res.locals.route = 'clouddriverPassthrough';
    const headers = endToEnd(req.headers);
    headers.host = upstream.host;
    const rawBody = (req as unknown as { rawBody?: Buffer }).rawBody;
    if (rawBody) {
      delete headers['transfer-encoding'];
      headers['content-length'] = String(rawBody.length);
    }
    const outgoing = client.request(
      {
        protocol: upstream.protocol,
        hostname: upstream.hostname,
        port: upstream.port || undefined,
        method: req.method,
        path: basePath + req.originalUrl,
        headers,
        agent,
        timeout: deps.timeoutMs ?? 300_000,
      },
      (incoming) => {
        res.writeHead(incoming.statusCode ?? 502, incoming.statusMessage, endToEnd(incoming.headers));
        incoming.pipe(res);
        incoming.on('error', (err) => {
          deps.logger.warn({ err }, 'clouddriver passthrough: response stream failed');
          res.destroy(err);
        });
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error('clouddriver did not answer in time')));
    outgoing.on('error', (err) => {
      deps.logger.warn({ err: { message: err.message }, method: req.method, path: req.originalUrl }, 'clouddriver passthrough failed');
      if (res.headersSent) {
        res.destroy(err);
        return;
      }
      res.status(502).json(errorBody(502, `clouddriver at ${upstream.origin} did not answer: ${err.message}`, req.originalUrl, res.locals.requestId as string | undefined));
    });
    res.on('close', () => {
      if (!res.writableFinished) outgoing.destroy();
    });
    if (rawBody) outgoing.end(rawBody);
    else req.pipe(outgoing);
    void next;
  };
}
