import { randomUUID } from 'node:crypto';

/**
 * An "AWS API Call via CloudTrail" event for Lambda as EventBridge delivers it (envelope plus CloudTrail record), per
 * the AWS Lambda Developer Guide's CloudTrail examples: `detail.eventName` carries the API version suffix.
 */
export function cloudTrailEvent(
  eventName: string,
  requestParameters: Record<string, unknown> | null,
  options: { accountId?: string; region?: string; time?: string; responseElements?: Record<string, unknown> | null; errorCode?: string } = {},
): Record<string, unknown> {
  const accountId = options.accountId ?? '123456789012';
  const region = options.region ?? 'us-east-1';
  const time = options.time ?? '2026-01-01T00:00:00Z';
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.lambda',
    account: accountId,
    time,
    region,
    resources: [],
    detail: {
      eventVersion: '1.08',
      userIdentity: { type: 'AssumedRole', accountId },
      eventTime: time,
      eventSource: 'lambda.amazonaws.com',
      eventName,
      awsRegion: region,
      sourceIPAddress: '203.0.113.9',
      userAgent: 'aws-cli/2.15',
      requestParameters,
      responseElements: options.responseElements ?? null,
      ...(options.errorCode ? { errorCode: options.errorCode, errorMessage: 'denied' } : {}),
      requestID: randomUUID(),
      eventID: randomUUID(),
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: accountId,
      eventCategory: 'Management',
    },
  };
}
