/**
 * Reads one SQS message body that an EventBridge rule delivered: an "AWS API Call via CloudTrail" event from
 * `aws.lambda`, or the feed's heartbeat (a scheduled EventBridge event). Pure; never throws.
 *
 * CloudTrail names Lambda's calls with the API version appended, and some with a second revision: the AWS Lambda
 * Developer Guide ("Logging AWS Lambda API calls using AWS CloudTrail", management events list) spells them
 * `CreateFunction20150331`, `UpdateFunctionCode20150331v2`, `UpdateFunctionConfiguration20150331v2`,
 * `PublishVersion20150331`, `CreateAlias20150331`, `UpdateAlias20150331`, `DeleteAlias20150331`,
 * `CreateEventSourceMapping20150331`, `UpdateEventSourceMapping20150331`, `DeleteEventSourceMapping20150331`,
 * `AddPermission20150331v2`, `RemovePermission20150331v2`, `PutFunctionConcurrency20171031`,
 * `DeleteFunctionConcurrency20171031`, `DeleteFunction20150331`, `TagResource20170331v2`, `UntagResource20170331v2`;
 * older trails carry the unsuffixed or `…20150331`/`…20170331` forms, and the newer calls (function URLs, provisioned
 * concurrency, event invoke config) have no suffix. So the suffix `YYYYMMDD` plus an optional `vN` is stripped and the
 * base API name decides.
 */

/** Lambda calls that change what the inventory shows for one function, by base API name. */
export const FUNCTION_CHANGING_CALLS: ReadonlySet<string> = new Set([
  'CreateFunction',
  'UpdateFunctionCode',
  'UpdateFunctionConfiguration',
  'DeleteFunction',
  'PublishVersion',
  'CreateAlias',
  'UpdateAlias',
  'DeleteAlias',
  'CreateEventSourceMapping',
  'UpdateEventSourceMapping',
  'DeleteEventSourceMapping',
  'AddPermission',
  'RemovePermission',
  'PutFunctionConcurrency',
  'DeleteFunctionConcurrency',
  'PutProvisionedConcurrencyConfig',
  'DeleteProvisionedConcurrencyConfig',
  'TagResource',
  'UntagResource',
  'CreateFunctionUrlConfig',
  'UpdateFunctionUrlConfig',
  'DeleteFunctionUrlConfig',
  'PutFunctionEventInvokeConfig',
  'UpdateFunctionEventInvokeConfig',
  'DeleteFunctionEventInvokeConfig',
  'PutRuntimeManagementConfig',
  'PutFunctionCodeSigningConfig',
  'DeleteFunctionCodeSigningConfig',
]);

/** The exact event names the setup command's EventBridge rule matches (both suffixed and bare spellings). */
export const RULE_EVENT_NAMES: readonly string[] = [
  'CreateFunction20150331',
  'UpdateFunctionCode20150331v2',
  'UpdateFunctionConfiguration20150331v2',
  'DeleteFunction20150331',
  'PublishVersion20150331',
  'CreateAlias20150331',
  'UpdateAlias20150331',
  'DeleteAlias20150331',
  'CreateEventSourceMapping20150331',
  'UpdateEventSourceMapping20150331',
  'DeleteEventSourceMapping20150331',
  'AddPermission20150331v2',
  'RemovePermission20150331v2',
  'PutFunctionConcurrency20171031',
  'DeleteFunctionConcurrency20171031',
  'PutProvisionedConcurrencyConfig',
  'DeleteProvisionedConcurrencyConfig',
  'TagResource20170331v2',
  'UntagResource20170331v2',
  'CreateFunctionUrlConfig',
  'UpdateFunctionUrlConfig',
  'DeleteFunctionUrlConfig',
  'PutFunctionEventInvokeConfig',
  'UpdateFunctionEventInvokeConfig',
  'DeleteFunctionEventInvokeConfig',
];

export type ChangeMessage =
  | {
      kind: 'change';
      /** Base API name, e.g. `UpdateFunctionCode`. */
      call: string;
      eventName: string;
      accountId: string;
      region: string;
      /** The function's name (never an ARN or a qualified name). */
      functionName?: string;
      /** For event source mapping calls that name only the mapping. */
      mappingUuid?: string;
      eventTime?: number;
    }
  | { kind: 'heartbeat'; accountId?: string; region?: string }
  /** A well-formed event that changes nothing (a read, a failed call, another Lambda resource such as a layer). */
  | { kind: 'ignored'; reason: string }
  /** Valid JSON from somewhere else (another service, another detail-type). */
  | { kind: 'foreign'; reason: string }
  | { kind: 'malformed'; reason: string };

export function baseCallName(eventName: string): string {
  return eventName.replace(/\d{8}(v\d+)?$/, '');
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length ? v : undefined);

/**
 * `name`, `name:qualifier`, `123456789012:function:name[:qualifier]` or
 * `arn:aws:lambda:region:123456789012:function:name[:qualifier]` → `name`. Undefined when it is none of those (a layer
 * ARN, an event source mapping ARN, garbage).
 */
export function functionNameOf(ref: string): string | undefined {
  const arn = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]{1,140})(?::[A-Za-z0-9$_-]+)?$/.exec(ref);
  if (arn) return arn[1];
  const partial = /^\d{12}:function:([A-Za-z0-9_-]{1,140})(?::[A-Za-z0-9$_-]+)?$/.exec(ref);
  if (partial) return partial[1];
  const plain = /^([A-Za-z0-9_-]{1,140})(?::[A-Za-z0-9$_-]+)?$/.exec(ref);
  return plain ? plain[1] : undefined;
}

export function parseChangeMessage(body: string): ChangeMessage {
  let ev: unknown;
  try {
    ev = JSON.parse(body);
  } catch {
    return { kind: 'malformed', reason: 'body is not JSON' };
  }
  if (!isObj(ev)) return { kind: 'malformed', reason: 'body is not a JSON object' };
  const source = ev.source;
  const detailType = ev['detail-type'];
  if (typeof source !== 'string' || typeof detailType !== 'string') {
    // An SNS envelope or a raw CloudTrail record is not what the rule delivers.
    return { kind: 'malformed', reason: 'not an EventBridge event (no source / detail-type)' };
  }
  if (source === 'aws.events' && detailType === 'Scheduled Event') {
    return { kind: 'heartbeat', ...(str(ev.account) ? { accountId: ev.account as string } : {}), ...(str(ev.region) ? { region: ev.region as string } : {}) };
  }
  if (source !== 'aws.lambda') return { kind: 'foreign', reason: `source ${source}` };
  if (detailType !== 'AWS API Call via CloudTrail') return { kind: 'foreign', reason: `detail-type ${detailType}` };
  const d = ev.detail;
  if (!isObj(d)) return { kind: 'malformed', reason: 'detail is not an object' };
  const eventName = str(d.eventName);
  if (!eventName) return { kind: 'malformed', reason: 'detail.eventName missing' };
  if (d.eventSource !== undefined && d.eventSource !== 'lambda.amazonaws.com') return { kind: 'foreign', reason: `eventSource ${String(d.eventSource)}` };
  const accountId = str(d.recipientAccountId) ?? str(ev.account);
  const region = str(d.awsRegion) ?? str(ev.region);
  if (!accountId || !/^\d{12}$/.test(accountId)) return { kind: 'malformed', reason: 'no 12-digit account id' };
  if (!region) return { kind: 'malformed', reason: 'no region' };
  const call = baseCallName(eventName);
  if (!FUNCTION_CHANGING_CALLS.has(call)) return { kind: 'ignored', reason: `${eventName} does not change a function` };
  if (str(d.errorCode)) return { kind: 'ignored', reason: `${eventName} failed (${String(d.errorCode)})` };
  const req = isObj(d.requestParameters) ? d.requestParameters : {};
  const res = isObj(d.responseElements) ? d.responseElements : {};
  const t = str(d.eventTime) ?? str(ev.time);
  const eventTime = t ? Date.parse(t) : NaN;
  const base = { kind: 'change' as const, call, eventName, accountId, region, ...(Number.isFinite(eventTime) ? { eventTime } : {}) };
  const ref =
    call === 'TagResource' || call === 'UntagResource'
      ? str(req.resource)
      : (str(req.functionName) ?? str(res.functionArn) ?? str(res.functionName));
  if (ref) {
    const functionName = functionNameOf(ref);
    if (functionName) return { ...base, functionName };
    if (call === 'TagResource' || call === 'UntagResource') return { kind: 'ignored', reason: `${eventName} on ${ref}, not a function` };
    return { kind: 'malformed', reason: `${eventName}: cannot read a function name from ${JSON.stringify(ref).slice(0, 200)}` };
  }
  const uuid = str(req.uUID) ?? str(req.uuid) ?? str(res.uUID) ?? str(res.uuid);
  if (uuid && call.endsWith('EventSourceMapping')) return { ...base, mappingUuid: uuid };
  return { kind: 'malformed', reason: `${eventName} names no function` };
}
