#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError } from '@outrigger/runtime';
import { bakeCommand } from './commands/bake.js';
import { serve } from './serve.js';
import { ecsCommand } from './commands/ecs.js';
import { lambdaFeedCommand } from './commands/lambdaFeed.js';
import { ECS_CLI_USAGE } from '@outrigger/ecs';
import { runLambdaFeedCommand } from '@outrigger/lambda';

const USAGE = `outrigger — Lambda, ECS task-definition artifacts and Packer bakes for an existing Spinnaker

usage:
  outrigger serve [--config FILE] [--port N] [--host ADDR] [--data-dir DIR] [--clouddriver-url URL]
  outrigger render|validate FILE [--image NAME=IMAGE] [--env [NAME:]K=V] [--overlay FILE] …  (ECS task definitions; see packages/ecs/README.md)
  outrigger bake REQUEST.json [--server URL] [--region R] [--rebake] [--config FILE]
  outrigger lambda-feed setup --account NAME --region REGION [--config FILE] [--name NAME]  (Lambda change feed: SQS + EventBridge)
  outrigger help

serve     composes every provider into one HTTP server (port 7011 by default). With no config file it runs on
          embedded defaults: SQLite under ./.outrigger/, no AWS accounts. --config (or OUTRIGGER_CONFIG) names a
          YAML file in clouddriver's and Rosco's shapes; see README.md.
`;

const SERVE_USAGE = `usage: outrigger serve [--config FILE] [--port N] [--host ADDR] [--data-dir DIR] [--clouddriver-url URL]

Composes every provider into one HTTP server. With no config file (and no OUTRIGGER_CONFIG) it runs on embedded
defaults: SQLite under ./.outrigger/, no AWS accounts, listening on 127.0.0.1:7011 only. A config file or --host
opens it wider (server.host defaults to 0.0.0.0 in a config file).

  --config, -c FILE         YAML config in clouddriver's and Rosco's shapes (see README.md)
  --port, -p N              port to listen on (0: any free port)
  --host ADDR               address to listen on (0.0.0.0: every interface)
  --data-dir DIR            where SQLite, bake logs and rendered artifacts live
  --clouddriver-url URL     the real clouddriver; every request outrigger does not own is forwarded there
`;

/** The oldest Node.js outrigger runs on (package.json `engines`): `node:sqlite` without a flag arrived in 22.13. */
const MIN_NODE = [22, 13] as const;

async function main(argv: string[]): Promise<number> {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major < MIN_NODE[0] || (major === MIN_NODE[0] && minor < MIN_NODE[1])) {
    process.stderr.write(
      `outrigger: needs Node.js ${MIN_NODE.join('.')} or newer; this is ${process.version} (${process.execPath}).\n` +
        `  In the repository, \`npm start\` (or \`npx node packages/server/dist/cli.js …\`) runs on the Node.js 24 that \`npm ci\` installs.\n`,
    );
    return 1;
  }
  const [command = 'help', ...rest] = argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  // Every command answers --help (on stdout, exit 0).
  if (rest.includes('--help') || rest.includes('-h')) {
    if (command === 'serve' || command === 'render' || command === 'validate') {
      process.stdout.write(command === 'serve' ? SERVE_USAGE : `usage:\n${ECS_CLI_USAGE}`);
      return 0;
    }
    if (command === 'lambda-feed') return runLambdaFeedCommand(['help'], { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stdout.write(t) });
  }
  if (command === 'bake') return bakeCommand(rest);
  if (command === 'serve') {
    const { values } = parseArgs({
      args: rest,
      options: {
        config: { type: 'string', short: 'c' },
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        'clouddriver-url': { type: 'string' },
      },
      strict: true,
    });
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new UsageError(`--port: expected a port number, got "${values.port}"`);
    // Signals are caught before the server starts: a SIGTERM that arrives while it starts (or right after it printed
    // its address) stops it cleanly once it is up, instead of killing it half-started.
    let signalled: NodeJS.Signals | undefined;
    let onSignal: ((signal: NodeJS.Signals) => void) | undefined;
    const catchSignal = (signal: NodeJS.Signals) => (onSignal ? onSignal(signal) : (signalled = signal));
    process.once('SIGTERM', catchSignal);
    process.once('SIGINT', catchSignal);
    const serving = await serve({
      ...(values.config ? { configFile: values.config } : {}),
      ...(port !== undefined ? { port } : {}),
      ...(values.host ? { host: values.host } : {}),
      ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
      ...(values['clouddriver-url'] ? { clouddriverUrl: values['clouddriver-url'] } : {}),
    });
    await new Promise<void>((resolve) => {
      onSignal = (signal) => {
        serving.composed.logger.info({ signal }, 'signal received');
        serving.stop().then(resolve, resolve);
      };
      if (signalled) onSignal(signalled);
    });
    return 0;
  }
  if (command === 'render' || command === 'validate') return ecsCommand(command, rest);
  if (command === 'lambda-feed') return lambdaFeedCommand(rest);
  throw new UsageError(`unknown command "${command}"`);
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError || err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`outrigger: ${(err as Error).message}\n`);
      if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) process.stderr.write(`\n${USAGE}`);
      process.exit(2);
    }
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(`outrigger: ${(err as Error).message}: another process uses that port; pass --port\n`);
      process.exit(1);
    }
    process.stderr.write(`outrigger: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);
