// A small outrigger process composing the bake provider alone, for the restart test (bundled with esbuild at test
// time and run as a child process). Config comes as JSON in OUTRIGGER_TEST_CONFIG; prints `LISTENING <url>`.
import type { AddressInfo } from 'node:net';
import { composeApp, ConfigSchema } from '@outrigger/runtime';
import { createBakeProvider } from '../createBakeProvider.js';

const config = ConfigSchema.parse(JSON.parse(process.env.OUTRIGGER_TEST_CONFIG ?? '{}'));
const c = await composeApp({ config, providers: [createBakeProvider] });
const server = c.app.listen(0, '127.0.0.1');
await new Promise<void>((r) => server.once('listening', () => r()));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
await c.start({ baseUrl: url });
process.stdout.write(`LISTENING ${url}\n`);
