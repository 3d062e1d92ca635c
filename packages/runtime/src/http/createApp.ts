import express, { type Express, type Router } from 'express';
import type { Logger } from 'pino';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Metrics } from './createMetrics.js';
import { errorHandler, notFoundHandler } from './errorHandler.js';
import { requestContext } from './requestContext.js';

export interface AppDeps {
  logger: Logger;
  metrics: Metrics;
  /** The bundled OpenAPI document, served at `/openapi.json` and browsable at `/api-docs`. */
  openapiDocument: unknown;
  /** Routers mounted in order (providers first); they bind their operations with `bindOperation`. */
  routers: Router[];
  /** Runs after the routers and before the 404 (e.g. the clouddriver passthrough). */
  fallback?: express.RequestHandler;
}

const docsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>outrigger API reference</title>
<link rel="stylesheet" href="/api-docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div><script src="/api-docs/assets/swagger-ui-bundle.js"></script>
<script src="/api-docs/init.js"></script></body></html>`;
// The swagger-ui assets are served as files; importing the package would load its 1 MB bundle into the server.
const swaggerUiDir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const docsInit = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', deepLinking: true, tryItOutEnabled: false });`;

/**
 * The express app every outrigger process serves: request ids and logs, `/metrics`, `/openapi.json`, the API reference
 * at `/api-docs`, the given routers, then a 404 and the single error handler, all in Spinnaker's error shape.
 */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(requestContext({ logger: deps.logger, metrics: deps.metrics }));
  app.get('/metrics', async (_req, res) => {
    res.locals.route = 'metrics';
    res.setHeader('Content-Type', deps.metrics.registry.contentType);
    res.send(await deps.metrics.registry.metrics());
  });
  // The document names the server it is served from (what "Try it out" and generated clients call), not the spec's
  // placeholder; behind a proxy, X-Forwarded-Proto/Host say what the caller used.
  app.get('/openapi.json', (req, res) => {
    res.locals.route = 'openapi';
    const proto = req.header('x-forwarded-proto')?.split(',')[0]?.trim() || req.protocol;
    const host = req.header('x-forwarded-host')?.split(',')[0]?.trim() || req.header('host');
    const doc = deps.openapiDocument as { servers?: unknown };
    res.json(host && /^[A-Za-z0-9.\-:[\]]+$/.test(host) && /^https?$/.test(proto) ? { ...doc, servers: [{ url: `${proto}://${host}` }] } : { ...doc, servers: [{ url: '/' }] });
  });
  app.get(['/api-docs', '/api-docs/'], (_req, res) => {
    res.locals.route = 'apiDocs';
    res.type('html').send(docsPage);
  });
  app.get('/api-docs/init.js', (_req, res) => {
    res.type('application/javascript').send(docsInit);
  });
  app.use('/api-docs/assets', express.static(swaggerUiDir, { index: false, maxAge: '1h' }));
  for (const router of deps.routers) app.use(router);
  if (deps.fallback) app.use(deps.fallback);
  app.use(notFoundHandler());
  app.use(errorHandler(deps.logger));
  return app;
}
