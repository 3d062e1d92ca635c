import type { BakeOperationDeps } from './BakeOperationDeps.js';

/** `GET /api/v1/{region}/logs/{statusId}`: whole (Rosco), paged (`offset`/`limit`) or followed (`follow=true`). */
export function bindGetBakeLogs({ router, deps, service }: BakeOperationDeps): void {
  deps.bind(router, 'getBakeLogs', async ({ params, query, req, res }) => {
    if (query.follow === 'true') {
      await service.logs(params.statusId, 0, 1); // 404 before streaming
      res.status(200).type('text/plain; charset=utf-8');
      res.setHeader('Cache-Control', 'no-cache');
      let offset = query.offset ?? 0;
      let closed = false;
      req.on('close', () => (closed = true));
      for (;;) {
        const { lines, complete } = await service.logs(params.statusId, offset);
        for (const l of lines) res.write(`${service.formatLine(l)}\n`);
        offset += lines.length;
        if ((complete && !lines.length) || closed) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      res.end();
      return undefined;
    }
    const paged = query.offset !== undefined || query.limit !== undefined;
    const { lines, complete } = await service.logs(params.statusId, query.offset ?? 0, query.limit);
    const logsContent = lines.map(service.formatLine).join('\n');
    if (!paged) return { logsContent };
    const offset = query.offset ?? 0;
    return { logsContent, offset, nextOffset: offset + lines.length, complete };
  });
}
