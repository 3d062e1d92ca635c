// Lambda benchmarks (loopback only, bounded in time):
//  1. AWS calls for one inventory refresh of 1,000 functions with 10 changed, next to what clouddriver's
//     LambdaCachingAgent makes for the same inventory (its per-function pattern: GetFunction, ListVersionsByFunction,
//     ListAliases, ListEventSourceMappings for the function and for each alias, GetPolicy; no change detection).
//  2. Throughput of GET /applications/{app}/functions with 10,000 cached functions (200 in the app), against a bare
//     express route answering the same JSON, side by side in one run.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomUUID } from 'node:crypto';
import express from 'express';
import autocannon from 'autocannon';

const FUNCTIONS = 1000;
const CHANGED = 10;
const ALIASES_PER_FUNCTION = 1;
const PAGE = 50;

/** A counting Lambda at the SDK boundary, just rich enough for an inventory pass. */
function countingLambda(n) {
  const fns = Array.from({ length: n }, (_, i) => ({
    FunctionName: `app${i % 50}-fn${i}`,
    FunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:app${i % 50}-fn${i}`,
    Runtime: 'nodejs22.x',
    Handler: 'index.handler',
    Role: 'arn:aws:iam::123456789012:role/x',
    Version: '$LATEST',
    State: 'Active',
    LastUpdateStatus: 'Successful',
    RevisionId: randomUUID(),
    LastModified: '2026-01-01T00:00:00.000+0000',
  }));
  const fake = {
    calls: 0,
    fns,
    touch(i) {
      fns[i] = { ...fns[i], RevisionId: randomUUID(), LastModified: new Date().toISOString() };
    },
    async send(command) {
      fake.calls++;
      const name = command.constructor.name.replace(/Command$/, '');
      const i = command.input;
      const byName = (x) => fns.find((f) => f.FunctionName === x || f.FunctionArn === x);
      switch (name) {
        case 'ListFunctions': {
          const start = Number(i.Marker ?? 0);
          return { Functions: fns.slice(start, start + PAGE), ...(start + PAGE < fns.length ? { NextMarker: String(start + PAGE) } : {}) };
        }
        case 'GetFunction':
          return { Configuration: byName(i.FunctionName), Tags: {}, Code: { RepositoryType: 'S3' } };
        case 'ListVersionsByFunction':
          return { Versions: [byName(i.FunctionName)] };
        case 'ListAliases': {
          const f = byName(i.FunctionName);
          return { Aliases: Array.from({ length: ALIASES_PER_FUNCTION }, (_, k) => ({ Name: `a${k}`, AliasArn: `${f.FunctionArn}:a${k}`, FunctionVersion: '$LATEST' })) };
        }
        case 'ListEventSourceMappings':
          return { EventSourceMappings: [] };
        case 'GetPolicy': {
          const e = new Error('no policy');
          e.name = 'ResourceNotFoundException';
          throw e;
        }
        default:
          throw new Error(`bench fake: ${name}`);
      }
    },
  };
  return fake;
}

/** clouddriver's LambdaCachingAgent pass over the same inventory (§2.2): list, then every function in full. */
async function clouddriverPass(client, cmds) {
  const names = [];
  let marker;
  do {
    const page = await client.send(new cmds.ListFunctionsCommand({ ...(marker ? { Marker: marker } : {}) }));
    names.push(...page.Functions.map((f) => f.FunctionName));
    marker = page.NextMarker;
  } while (marker);
  for (const name of names) {
    const got = await client.send(new cmds.GetFunctionCommand({ FunctionName: name }));
    await client.send(new cmds.ListVersionsByFunctionCommand({ FunctionName: name }));
    const aliases = await client.send(new cmds.ListAliasesCommand({ FunctionName: name }));
    await client.send(new cmds.ListEventSourceMappingsCommand({ FunctionName: got.Configuration.FunctionArn }));
    for (const a of aliases.Aliases) await client.send(new cmds.ListEventSourceMappingsCommand({ FunctionName: a.AliasArn }));
    try {
      await client.send(new cmds.GetPolicyCommand({ FunctionName: name }));
    } catch {}
  }
}

async function cannon(url, seconds) {
  const r = await autocannon({ url, connections: 10, duration: seconds, pipelining: 1 });
  return r;
}

export default async function ({ root }) {
  const { compose, ConfigSchema } = await import(pathToFileURL(path.join(root, 'packages/server/dist/index.js')).href);
  const cmds = await import('@aws-sdk/client-lambda');
  const rows = [];
  const fake = countingLambda(FUNCTIONS);
  // Through the schema, as a config file is: the defaults of every section are filled in.
  const config = ConfigSchema.parse({
    server: { port: 0, host: '127.0.0.1' },
    dataDir: path.join(root, '.outrigger-bench'),
    storage: { type: 'memory' },
    logging: { level: 'silent' },
    aws: { accounts: [{ name: 'prod', accountId: '123456789012', regions: ['us-east-1'], lambdaEnabled: true }], client: { maxAttempts: 3 } },
    lambda: { inventory: { enabled: false } },
  });
  const composed = await compose({ config, aws: { client: () => fake } });
  const lambda = composed.providers.find((p) => p.name === 'lambda');
  const account = config.aws.accounts[0];

  // 1. Inventory refresh calls.
  await lambda.inventory.refreshRegion(account, 'us-east-1');
  for (let i = 0; i < CHANGED; i++) fake.touch(i * 97);
  fake.calls = 0;
  await lambda.inventory.refreshRegion(account, 'us-east-1');
  const ours = fake.calls;
  fake.calls = 0;
  await clouddriverPass(fake, cmds);
  const theirs = fake.calls;
  rows.push({ name: `lambda inventory refresh: AWS calls (${FUNCTIONS} functions, ${CHANGED} changed, ${ALIASES_PER_FUNCTION} alias each)`, value: ours, unit: 'calls', note: 'outrigger: ListFunctions pages + details of changed functions only' });
  rows.push({ name: 'lambda inventory refresh: AWS calls, clouddriver LambdaCachingAgent pattern (same inventory)', value: theirs, unit: 'calls', note: `${(theirs / ours).toFixed(0)}x outrigger; every 30 s` });

  // 2. Throughput of GET /applications/{app}/functions with 10,000 cached functions, 200 in the app.
  const template = fake.fns[0];
  for (let i = 0; i < 10_000; i++) {
    const app = i < 200 ? 'checkout' : `other${i % 97}`;
    lambda.inventory.put({
      ...Object.fromEntries(Object.entries(template).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), v])),
      functionName: `${app}-fn${i}`,
      functionArn: `arn:aws:lambda:us-east-1:123456789012:function:${app}-fn${i}`,
      account: 'prod',
      region: 'us-east-1',
      cloudProvider: 'aws',
      tags: {},
      revisions: { [template.RevisionId]: '$LATEST' },
      aliasConfigurations: [],
      eventSourceMappings: [],
      targetGroups: [],
      moniker: { app, cluster: `${app}-fn${i}` },
    });
  }
  const server = composed.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const ourUrl = `http://127.0.0.1:${server.address().port}/applications/checkout/functions`;
  const sameJson = await (await fetch(ourUrl)).json();
  if (sameJson.length !== 200) throw new Error(`expected 200 functions, got ${sameJson.length}`);
  const bare = express();
  bare.get('/applications/:app/functions', (_req, res) => res.json(sameJson));
  const bareServer = bare.listen(0, '127.0.0.1');
  await new Promise((r) => bareServer.once('listening', r));
  const bareUrl = `http://127.0.0.1:${bareServer.address().port}/applications/checkout/functions`;
  const seconds = 5;
  await cannon(ourUrl, 1); // warm-up
  const a = await cannon(ourUrl, seconds);
  const b = await cannon(bareUrl, seconds);
  rows.push({ name: 'GET /applications/{app}/functions (10,000 cached, 200 in app): outrigger', value: Math.round(a.requests.average), unit: 'req/s', note: `p99 ${a.latency.p99} ms, 10 connections, ${seconds} s, errors ${a.errors + a.non2xx}` });
  rows.push({ name: 'GET /applications/{app}/functions: bare express route, same JSON', value: Math.round(b.requests.average), unit: 'req/s', note: `p99 ${b.latency.p99} ms; outrigger at ${((a.requests.average / b.requests.average) * 100).toFixed(0)}% of bare` });
  await new Promise((r) => server.close(r));
  await new Promise((r) => bareServer.close(r));
  await composed.close();
  return rows;
}
