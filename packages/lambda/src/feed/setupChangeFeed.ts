import { parseArgs } from 'node:util';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand, type PutRuleCommandOutput, type PutTargetsCommandOutput } from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SetQueueAttributesCommand,
  SQSClient,
  type CreateQueueCommandOutput,
  type GetQueueAttributesCommandOutput,
  type GetQueueUrlCommandOutput,
} from '@aws-sdk/client-sqs';
import { createAwsClientFactory, loadConfig, type AwsClientClass, type AwsClientConfig, type AccountConfig } from '@outrigger/runtime';
import { RULE_EVENT_NAMES } from './parseChangeMessage.js';

interface Sendable {
  send(command: unknown): Promise<unknown>;
}

export interface ChangeFeedSetup {
  queueUrl: string;
  queueArn: string;
  dlqUrl: string;
  dlqArn: string;
  ruleArn: string;
  heartbeatRuleArn: string;
}

/** The EventBridge pattern of the change rule: Lambda's function-changing management calls, by CloudTrail name. */
export function changeRulePattern(): Record<string, unknown> {
  return {
    source: ['aws.lambda'],
    'detail-type': ['AWS API Call via CloudTrail'],
    detail: { eventSource: ['lambda.amazonaws.com'], eventName: [...RULE_EVENT_NAMES] },
  };
}

/**
 * Creates (or brings up to date) what a region's change feed needs, printing each resource:
 * a dead-letter queue `<name>-dlq`; the queue `<name>` with a redrive policy (`maxReceiveCount`) to it and a policy
 * that lets only the two rules send to it; the rule `<name>` matching Lambda's CloudTrail management events; the rule
 * `<name>-heartbeat` firing every `heartbeatMinutes` (the feed's proof of life); both rules targeting the queue.
 * Safe to run again: PutRule/PutTargets/SetQueueAttributes replace what they name.
 */
export async function setupChangeFeed(deps: {
  sqs: Sendable;
  events: Sendable;
  accountId: string;
  region: string;
  name: string;
  maxReceiveCount: number;
  heartbeatMinutes: number;
  print: (line: string) => void;
}): Promise<ChangeFeedSetup> {
  const { sqs, events, name, print } = deps;
  const ensureQueue = async (queueName: string, attributes: Record<string, string>, what: string) => {
    let url: string;
    try {
      url = ((await sqs.send(new CreateQueueCommand({ QueueName: queueName, Attributes: attributes }))) as CreateQueueCommandOutput).QueueUrl!;
      print(`queue      ${url}  (${what}; created or already as wanted)`);
    } catch (err) {
      if ((err as Error).name !== 'QueueNameExists' && (err as Error).name !== 'QueueAlreadyExists') throw err;
      url = ((await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }))) as GetQueueUrlCommandOutput).QueueUrl!;
      await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes }));
      print(`queue      ${url}  (${what}; existed, attributes updated)`);
    }
    const arn = ((await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))) as GetQueueAttributesCommandOutput).Attributes!.QueueArn!;
    return { url, arn };
  };

  const dlq = await ensureQueue(`${name}-dlq`, { MessageRetentionPeriod: String(14 * 86_400) }, `dead-letter queue: events whose function could not be read after ${deps.maxReceiveCount} tries`);
  const rule = (await events.send(
    new PutRuleCommand({
      Name: name,
      EventPattern: JSON.stringify(changeRulePattern()),
      State: 'ENABLED',
      Description: 'outrigger: Lambda management calls (CloudTrail) → SQS, so the inventory re-reads only changed functions',
    }),
  )) as PutRuleCommandOutput;
  print(`rule       ${rule.RuleArn}  (Lambda's "AWS API Call via CloudTrail" events: ${RULE_EVENT_NAMES.length} event names)`);
  const heartbeat = (await events.send(
    new PutRuleCommand({
      Name: `${name}-heartbeat`,
      ScheduleExpression: `rate(${deps.heartbeatMinutes} minute${deps.heartbeatMinutes === 1 ? '' : 's'})`,
      State: 'ENABLED',
      Description: 'outrigger: heartbeat of the Lambda change feed (a silent queue makes outrigger poll)',
    }),
  )) as PutRuleCommandOutput;
  print(`rule       ${heartbeat.RuleArn}  (heartbeat every ${deps.heartbeatMinutes} min)`);
  const queueAttributes = {
    // Long enough for a paced re-read; after maxReceiveCount failed receives SQS moves the event to the DLQ.
    VisibilityTimeout: '120',
    MessageRetentionPeriod: String(86_400),
    ReceiveMessageWaitTimeSeconds: '20',
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: deps.maxReceiveCount }),
  };
  const queue = await ensureQueue(name, queueAttributes, 'change events');
  const policy = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'outrigger-eventbridge',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queue.arn,
        Condition: { ArnEquals: { 'aws:SourceArn': [rule.RuleArn!, heartbeat.RuleArn!] } },
      },
    ],
  };
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: queue.url, Attributes: { Policy: JSON.stringify(policy) } }));
  print(`policy     ${queue.arn}  (events.amazonaws.com may send, from the two rules only)`);
  for (const r of [name, `${name}-heartbeat`]) {
    const t = (await events.send(new PutTargetsCommand({ Rule: r, Targets: [{ Id: 'outrigger-sqs', Arn: queue.arn }] }))) as PutTargetsCommandOutput;
    if (t.FailedEntryCount) throw new Error(`PutTargets on rule ${r} failed: ${JSON.stringify(t.FailedEntries)}`);
    print(`target     rule ${r} → ${queue.arn}`);
  }
  return { queueUrl: queue.url, queueArn: queue.arn, dlqUrl: dlq.url, dlqArn: dlq.arn, ruleArn: rule.RuleArn!, heartbeatRuleArn: heartbeat.RuleArn! };
}

const USAGE = `usage: outrigger lambda-feed setup --account NAME --region REGION [--config FILE] [--name NAME]
                                   [--max-receive-count N] [--heartbeat-minutes N]

Creates, in the account's region, the SQS queue (with a dead-letter queue) and the EventBridge rules that feed
outrigger's Lambda inventory with CloudTrail change events, using the account's credentials from the config (its
assumeRole and endpoint included). Prints each resource and the config lines to add. Running it again updates them.
`;

/** `outrigger lambda-feed setup …` (the CLI wires stdout/stderr; tests pass fakes through makeClient). */
export async function runLambdaFeedCommand(
  argv: string[],
  io: { stdout: (t: string) => void; stderr: (t: string) => void; makeClient?: <C>(cls: AwsClientClass<C>, config: AwsClientConfig, account: AccountConfig) => C },
): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'setup') {
    io.stderr(sub && sub !== 'help' && sub !== '--help' ? `outrigger lambda-feed: unknown subcommand "${sub}"\n\n${USAGE}` : USAGE);
    return sub && sub !== 'help' && sub !== '--help' ? 2 : 0;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      account: { type: 'string' },
      region: { type: 'string' },
      config: { type: 'string', short: 'c' },
      name: { type: 'string', default: 'outrigger-lambda-changes' },
      'max-receive-count': { type: 'string', default: '5' },
      'heartbeat-minutes': { type: 'string', default: '5' },
    },
    strict: true,
  });
  const problems: string[] = [];
  if (!values.account) problems.push('--account is required');
  if (!values.region) problems.push('--region is required');
  const maxReceiveCount = Number(values['max-receive-count']);
  if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1000) problems.push('--max-receive-count: a whole number from 1 to 1000');
  const heartbeatMinutes = Number(values['heartbeat-minutes']);
  if (!Number.isInteger(heartbeatMinutes) || heartbeatMinutes < 1) problems.push('--heartbeat-minutes: a whole number of minutes, at least 1');
  if (!/^[A-Za-z0-9_-]{1,70}$/.test(values.name!)) problems.push('--name: letters, digits, - and _ (at most 70)');
  if (problems.length) {
    io.stderr(`outrigger lambda-feed: ${problems.join('; ')}\n\n${USAGE}`);
    return 2;
  }
  const { config, source } = loadConfig(values.config ? { file: values.config } : {});
  const account = config.aws.accounts.find((a) => a.name === values.account);
  if (!account) {
    io.stderr(`outrigger lambda-feed: ${source}: no aws.accounts entry named "${values.account}" (${config.aws.accounts.map((a) => a.name).join(', ') || 'none'})\n`);
    return 2;
  }
  if (!account.accountId) {
    io.stderr(`outrigger lambda-feed: ${source}: account "${account.name}" needs accountId\n`);
    return 2;
  }
  const aws = createAwsClientFactory({ config, ...(io.makeClient ? { makeClient: io.makeClient } : {}) });
  const region = values.region!;
  io.stdout(`Setting up the Lambda change feed of ${account.name} (${account.accountId}) in ${region}:\n`);
  const made = await setupChangeFeed({
    sqs: aws.client(SQSClient, account, region) as Sendable,
    events: aws.client(EventBridgeClient, account, region) as Sendable,
    accountId: account.accountId,
    region,
    name: values.name!,
    maxReceiveCount,
    heartbeatMinutes,
    print: (line) => io.stdout(`  ${line}\n`),
  });
  io.stdout(
    [
      '',
      'Add to outrigger.yml (a CloudTrail trail logging management events must exist in this account and region):',
      '',
      'lambda:',
      '  inventory:',
      '    changeFeed:',
      '      queues:',
      `        - account: ${account.name}`,
      `          region: ${region}`,
      `          queueUrl: ${made.queueUrl}`,
      '',
      `outrigger's role needs sqs:ReceiveMessage, sqs:DeleteMessage and sqs:GetQueueAttributes on ${made.queueArn}.`,
      '',
    ].join('\n'),
  );
  return 0;
}
