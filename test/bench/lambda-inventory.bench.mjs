// Lambda inventory at steady state, on a simulated clock (bounded real time, exact simulated call timing):
// AWS calls per hour and the largest calls-per-second burst, for 1,000 and 10,000 functions, with no changes and with
// 1 % of the functions changing per hour, for
//   (a) clouddriver's LambdaCachingAgent pattern: every 30 s, ListFunctions then per function, one after the other,
//       GetFunction, ListVersionsByFunction, ListAliases, ListEventSourceMappings (function + each alias), GetPolicy;
//   (b) outrigger polling only (no change feed): its RefreshScheduler at the shipped defaults;
//   (c) outrigger with the change feed (SQS fed by EventBridge, heartbeat every 5 min): the same at the defaults.
// (b) and (c) run the real provider (makeLambdaProvider in composeApp) against a counting fake Lambda and a fake SQS at
// the SDK boundary. Every AWS call takes LATENCY_MS of simulated time. Changes are a mix of code updates ($LATEST
// changes), publish-version-and-move-alias, and alias-only moves; with the feed each change's CloudTrail events reach
// the queue EVENT_DELAY_MS later.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomUUID } from 'node:crypto';

const LATENCY_MS = 20;
const EVENT_DELAY_MS = 30_000;
const HOUR = 3_600_000;
const PAGE = 50;

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A counting Lambda: n functions, one published version and one alias each; every call stamped with simulated time. */
function fakeLambda(n, clock) {
  const region = 'us-east-1';
  const acct = '123456789012';
  const fns = Array.from({ length: n }, (_, i) => {
    const name = `app${i % 50}-fn${String(i).padStart(5, '0')}`;
    const arn = `arn:aws:lambda:${region}:${acct}:function:${name}`;
    const latest = { FunctionName: name, FunctionArn: arn, Runtime: 'nodejs22.x', Handler: 'index.handler', Role: `arn:aws:iam::${acct}:role/x`, Version: '$LATEST', State: 'Active', LastUpdateStatus: 'Successful', RevisionId: randomUUID(), LastModified: '2026-01-01T00:00:00.000+0000', CodeSize: 2048 };
    return { latest, versions: [{ ...latest, Version: '1', FunctionArn: `${arn}:1`, RevisionId: randomUUID() }], alias: { Name: 'live', AliasArn: `${arn}:live`, FunctionVersion: '1', RevisionId: randomUUID() } };
  });
  const byName = new Map(fns.map((f) => [f.latest.FunctionName, f]));
  const of = (x) => byName.get(String(x).replace(/^arn:aws:lambda:[^:]+:\d+:function:/, '').split(':')[0]);
  let allFlat;
  const fake = {
    times: [],
    fns,
    async send(command) {
      fake.times.push(clock.now());
      await clock.sleep(LATENCY_MS);
      const name = command.constructor.name.replace(/Command$/, '');
      const i = command.input;
      switch (name) {
        case 'ListFunctions': {
          const list = i.FunctionVersion === 'ALL' ? (allFlat ??= fns.flatMap((f) => [f.latest, ...f.versions])) : fns.map((f) => f.latest);
          const start = Number(i.Marker ?? 0);
          return { Functions: list.slice(start, start + PAGE).map((c) => ({ ...c })), ...(start + PAGE < list.length ? { NextMarker: String(start + PAGE) } : {}) };
        }
        case 'GetAccountSettings': {
          let size = 0;
          for (const f of fns) {
            size += f.latest.CodeSize;
            for (const v of f.versions) size += v.CodeSize;
          }
          return { AccountUsage: { TotalCodeSize: size, FunctionCount: fns.length } };
        }
        case 'GetFunction': {
          const f = of(i.FunctionName);
          return { Configuration: { ...f.latest }, Tags: {}, Code: { RepositoryType: 'S3' } };
        }
        case 'ListVersionsByFunction': {
          const f = of(i.FunctionName);
          return { Versions: [{ ...f.latest }, ...f.versions.map((v) => ({ ...v }))] };
        }
        case 'ListAliases':
          return { Aliases: [{ ...of(i.FunctionName).alias }] };
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
    /** One out-of-band change; returns the CloudTrail event names it made. */
    change(k, kind) {
      const f = fns[k];
      allFlat = undefined;
      const stamp = new Date(clock.now()).toISOString().replace('Z', '+0000');
      if (kind === 0) {
        f.latest = { ...f.latest, RevisionId: randomUUID(), LastModified: stamp, CodeSize: f.latest.CodeSize + 1 };
        return ['UpdateFunctionCode20150331v2'];
      }
      if (kind === 1) {
        const v = String(f.versions.length + 1);
        f.versions.push({ ...f.latest, Version: v, FunctionArn: `${f.latest.FunctionArn}:${v}`, RevisionId: randomUUID() });
        f.alias = { ...f.alias, FunctionVersion: v, RevisionId: randomUUID() };
        return ['PublishVersion20150331', 'UpdateAlias20150331'];
      }
      f.alias = { ...f.alias, FunctionVersion: f.versions[0].Version, RevisionId: randomUUID() };
      return ['UpdateAlias20150331'];
    },
  };
  return fake;
}

/** A fake SQS that counts calls; long polls wait on the simulated clock. */
function fakeSqs(clock) {
  const msgs = [];
  let wake;
  const sqs = {
    times: [],
    deliver(body) {
      msgs.push({ body, handle: randomUUID(), visibleAt: 0 });
      wake?.();
    },
    async send(command, options) {
      sqs.times.push(clock.now());
      await clock.sleep(LATENCY_MS);
      const name = command.constructor.name.replace(/Command$/, '');
      const i = command.input;
      if (name === 'ReceiveMessage') {
        const deadline = clock.now() + i.WaitTimeSeconds * 1000;
        for (;;) {
          const ready = msgs.filter((m) => m.visibleAt <= clock.now()).slice(0, i.MaxNumberOfMessages);
          if (ready.length || clock.now() >= deadline || options?.abortSignal?.aborted) {
            for (const m of ready) m.visibleAt = clock.now() + 120_000;
            return { Messages: ready.map((m) => ({ MessageId: m.handle, ReceiptHandle: m.handle, Body: m.body, Attributes: { ApproximateReceiveCount: '1' } })) };
          }
          const c = new AbortController();
          const w = (wake = () => c.abort());
          options?.abortSignal?.addEventListener('abort', w, { once: true });
          await clock.sleep(deadline - clock.now(), c.signal);
          options?.abortSignal?.removeEventListener('abort', w);
        }
      }
      if (name === 'DeleteMessageBatch') {
        for (const e of i.Entries) msgs.splice(msgs.findIndex((m) => m.handle === e.ReceiptHandle), 1);
        return { Successful: i.Entries.map((e) => ({ Id: e.Id })), Failed: [] };
      }
      throw new Error(`bench sqs: ${name}`);
    },
  };
  return sqs;
}

const ctEvent = (eventName, fn, time) =>
  JSON.stringify({
    version: '0', id: randomUUID(), 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.lambda', account: '123456789012', time, region: 'us-east-1', resources: [],
    detail: { eventSource: 'lambda.amazonaws.com', eventName, awsRegion: 'us-east-1', eventTime: time, recipientAccountId: '123456789012', requestParameters: { functionName: fn }, responseElements: null },
  });

/** Calls in [from, to) and the most in any one-second window. */
function measure(times, from, to) {
  const ts = times.filter((t) => t >= from && t < to);
  let peak = 0;
  for (let i = 0, j = 0; i < ts.length; i++) {
    while (ts[i] - ts[j] >= 1000) j++;
    peak = Math.max(peak, i - j + 1);
  }
  return { calls: ts.length, peak };
}

/** Schedules 1 %/hour changes (uniform times, seeded) over [from, to); with a queue, their events too. */
function scheduleChanges(clock, lambda, n, from, to, sqs) {
  const rnd = mulberry32(n);
  const count = Math.round((n * 0.01 * (to - from)) / HOUR);
  const at = Array.from({ length: count }, () => from + rnd() * (to - from)).sort((a, b) => a - b);
  (async () => {
    for (const [k, t] of at.entries()) {
      await clock.sleep(t - clock.now());
      const idx = Math.floor(rnd() * n);
      const names = lambda.change(idx, k % 3);
      if (sqs) {
        const time = new Date(clock.now()).toISOString();
        const fn = lambda.fns[idx].latest.FunctionName;
        void clock.sleep(EVENT_DELAY_MS).then(() => names.forEach((e) => sqs.deliver(ctEvent(e, fn, time))));
      }
    }
  })();
  return count;
}

export async function clouddriver(n, changing, createManualClock) {
  const clock = createManualClock();
  const lambda = fakeLambda(n, clock);
  const cmds = await import('@aws-sdk/client-lambda');
  let stop = false;
  (async () => {
    while (!stop) {
      const started = clock.now();
      const names = [];
      let marker;
      do {
        const page = await lambda.send(new cmds.ListFunctionsCommand({ ...(marker ? { Marker: marker } : {}) }));
        names.push(...page.Functions.map((f) => f.FunctionName));
        marker = page.NextMarker;
      } while (marker && !stop);
      for (const name of names) {
        if (stop) break;
        const got = await lambda.send(new cmds.GetFunctionCommand({ FunctionName: name }));
        await lambda.send(new cmds.ListVersionsByFunctionCommand({ FunctionName: name }));
        const aliases = await lambda.send(new cmds.ListAliasesCommand({ FunctionName: name }));
        await lambda.send(new cmds.ListEventSourceMappingsCommand({ FunctionName: got.Configuration.FunctionArn }));
        for (const a of aliases.Aliases) await lambda.send(new cmds.ListEventSourceMappingsCommand({ FunctionName: a.AliasArn }));
        try {
          await lambda.send(new cmds.GetPolicyCommand({ FunctionName: name }));
        } catch {}
      }
      // The agent runs every 30 s; a pass longer than that is followed by the next one at once.
      await clock.sleep(Math.max(0, started + 30_000 - clock.now()));
    }
  })();
  const from = clock.now() + HOUR; // one hour in, any first pass is long done
  if (changing) scheduleChanges(clock, lambda, n, from, from + HOUR);
  await clock.runUntil(from + HOUR);
  stop = true;
  const m = measure(lambda.times, from, from + HOUR);
  const perPass = n * 6 + Math.ceil(n / PAGE);
  return { ...m, note: `${perPass} calls per pass; a sequential pass takes ${Math.round((perPass * LATENCY_MS) / 1000)} s at ${LATENCY_MS} ms per call, so at most ${Math.min(120, Math.floor(HOUR / Math.max(30_000, perPass * LATENCY_MS)))} passes/h; on its nominal 30 s schedule it would be ${(perPass * 120).toLocaleString('en-US')}/h` };
}

export async function outrigger(n, changing, withFeed, server) {
  const clock = server.createManualClock();
  const lambda = fakeLambda(n, clock);
  const sqs = fakeSqs(clock);
  const queueUrl = 'https://sqs.us-east-1.amazonaws.com/123456789012/outrigger-lambda-changes';
  const config = {
    server: { port: 0, host: '127.0.0.1', bodyLimit: '1mb', shutdownTimeoutSeconds: 5 },
    dataDir: '.outrigger-bench',
    storage: { type: 'memory' },
    logging: { level: 'silent' },
    auth: { fiat: { enabled: false, cacheSeconds: 10, timeoutMs: 5000 } },
    aws: { defaultRegions: [{ name: 'us-east-1' }], accounts: [{ name: 'prod', accountId: '123456789012', regions: [{ name: 'us-east-1' }], lambdaEnabled: true, ecsEnabled: false, permissions: { READ: [], WRITE: [] } }], client: { maxAttempts: 3 } },
    clouddriver: {},
    // The shipped defaults, plus the queue for (c).
    lambda: withFeed ? { inventory: { changeFeed: { queues: [{ account: 'prod', region: 'us-east-1', queueUrl }] } } } : {},
    ecs: { accounts: [] },
    bake: {},
    artifacts: { allowedHosts: [] },
  };
  const composed = await server.compose({
    config,
    aws: { client: (cls) => (cls.name === 'SQSClient' ? sqs : lambda) },
    providers: [server.makeLambdaProvider({ clock, random: mulberry32(7) })],
  });
  await composed.start({ baseUrl: 'http://127.0.0.1:0' });
  const provider = composed.providers.find((p) => p.name === 'lambda');
  let beat = true;
  if (withFeed) {
    (async () => {
      while (beat) {
        sqs.deliver(JSON.stringify({ version: '0', id: randomUUID(), 'detail-type': 'Scheduled Event', source: 'aws.events', account: '123456789012', time: new Date(clock.now()).toISOString(), region: 'us-east-1', resources: [], detail: {} }));
        await clock.sleep(300_000);
      }
    })();
  }
  // Cold start (paced by the budget), then one hour measured.
  const coldStartMs = ((n * 6 + (2 * n) / PAGE) / 20) * 1000;
  const from = clock.now() + Math.max(HOUR, Math.ceil(coldStartMs / HOUR + 0.5) * HOUR);
  let atFrom;
  void clock.sleep(from - clock.now()).then(() => (atFrom = provider.inventoryService.health()['prod/us-east-1']));
  if (changing) scheduleChanges(clock, lambda, n, from, from + HOUR, withFeed ? sqs : undefined);
  while (clock.now() < from + HOUR) {
    const t = Date.now();
    await clock.runUntil(Math.min(from + HOUR, clock.now() + 300_000));
    if (process.env.BENCH_DEBUG) console.error(new Date(clock.now()).toISOString(), Date.now() - t, 'ms', lambda.times.length, clock.pending);
  }
  const status = provider.inventoryService.health()['prod/us-east-1'];
  beat = false;
  // Stopping lets in-flight calls finish, which takes simulated time: keep the clock going until it is done.
  let closed = false;
  const closing = composed.close().then(() => (closed = true));
  while (!closed) await clock.advance(1000);
  await closing;
  const all = [...lambda.times, ...sqs.times].sort((a, b) => a - b);
  const m = measure(all, from, from + HOUR);
  const cold = measure(all, 0, from);
  const sqsCalls = measure(sqs.times, from, from + HOUR).calls;
  const reads = (k) => status.reads[k] - atFrom.reads[k];
  return {
    ...m,
    coldPeak: cold.peak,
    note: `mode ${status.mode}; ${withFeed ? `${sqsCalls} of them SQS; ` : ''}detail reads in the hour: event ${reads('event')}, changed ${reads('changed')}, new ${reads('new')}, periodic ${reads('periodic')}; stalest details ${status.stalestSeconds} s (window ${status.detailWindowSeconds} s); cold start peak ${cold.peak}/s`,
  };
}

export default async function ({ root }) {
  const server = await import(pathToFileURL(path.join(root, 'packages/server/dist/index.js')).href);
  const rows = [];
  for (const n of [1000, 10_000]) {
    for (const changing of [false, true]) {
      const label = `${n.toLocaleString('en-US')} functions, ${changing ? '1 %/h changing' : 'no changes'}`;
      const a = await clouddriver(n, changing, server.createManualClock);
      const b = await outrigger(n, changing, false, server);
      const c = await outrigger(n, changing, true, server);
      rows.push({ name: `lambda inventory AWS calls/h, ${label}: (a) clouddriver caching-agent pattern`, value: a.calls, unit: 'calls/h', note: `peak ${a.peak}/s; ${a.note}` });
      rows.push({ name: `lambda inventory AWS calls/h, ${label}: (b) outrigger polling only`, value: b.calls, unit: 'calls/h', note: `peak ${b.peak}/s (budget 20/s); ${(a.calls / b.calls).toFixed(0)}x fewer than (a); ${b.note}` });
      rows.push({ name: `lambda inventory AWS calls/h, ${label}: (c) outrigger with change feed`, value: c.calls, unit: 'calls/h', note: `peak ${c.peak}/s (budget 20/s); ${(a.calls / c.calls).toFixed(0)}x fewer than (a), ${((n * 6 + Math.ceil(n / PAGE)) * 120 / c.calls).toFixed(0)}x fewer than (a) on its nominal 30 s schedule; ${c.note}` });
    }
  }
  return rows;
}
