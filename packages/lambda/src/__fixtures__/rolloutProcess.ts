// A small outrigger process composing the Lambda provider alone, for the rollout restart test (bundled with esbuild
// at test time and run as a child process). Its AWS clients send every command to the parent's fakes over HTTP
// (`AWS_BRIDGE_URL`), rebuilding AWS's exceptions with the SDK's own classes. Prints `LISTENING <url>`.
import type { AddressInfo } from 'node:net';
import * as cw from '@aws-sdk/client-cloudwatch';
import * as lambda from '@aws-sdk/client-lambda';
import { composeApp, ConfigSchema, type AwsClientFactory } from '@outrigger/runtime';
import { makeLambdaProvider } from '../createLambdaProvider.js';
import { fromWire, toWire } from './awsBridge.js';

const bridge = process.env.AWS_BRIDGE_URL!;
const exceptions = { ...(lambda as Record<string, unknown>), ...(cw as Record<string, unknown>) } as Record<string, new (o: object) => Error>;

function client(name: string) {
  return {
    async send(command: { input: object; constructor: { name: string } }) {
      const res = await fetch(`${bridge}/send`, { method: 'POST', body: JSON.stringify({ client: name, command: command.constructor.name, input: toWire(command.input) }) });
      const body = (await res.json()) as { error?: { name: string; message: string } };
      if (res.ok) return fromWire(body);
      const E = exceptions[body.error!.name];
      throw typeof E === 'function' && body.error!.name.match(/Exception$|^ResourceNotFound$/) ? new E({ message: body.error!.message, $metadata: {} }) : Object.assign(new Error(body.error!.message), { name: body.error!.name });
    },
  };
}
const aws: AwsClientFactory = {
  client<C>(cls: unknown): C {
    if (cls === lambda.LambdaClient) return client('lambda') as C;
    if (cls === cw.CloudWatchClient) return client('cloudwatch') as C;
    throw new Error(`no bridge for ${(cls as { name: string }).name}`);
  },
};

const config = ConfigSchema.parse(JSON.parse(process.env.OUTRIGGER_TEST_CONFIG ?? '{}'));
const c = await composeApp({ config, aws, providers: [makeLambdaProvider({})] });
const server = c.app.listen(0, '127.0.0.1');
await new Promise<void>((r) => server.once('listening', () => r()));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
await c.start({ baseUrl: url });
process.stdout.write(`LISTENING ${url}\n`);
