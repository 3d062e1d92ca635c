import { describe, expect, it } from 'vitest';
import { cloudTrailEvent } from '../__fixtures__/cloudTrailEvent.js';
import { baseCallName, functionNameOf, parseChangeMessage } from './parseChangeMessage.js';

const parse = (e: unknown) => parseChangeMessage(JSON.stringify(e));

describe('parseChangeMessage', () => {
  it('strips CloudTrail API-version suffixes', () => {
    expect(baseCallName('UpdateFunctionCode20150331v2')).toBe('UpdateFunctionCode');
    expect(baseCallName('PutFunctionConcurrency20171031')).toBe('PutFunctionConcurrency');
    expect(baseCallName('TagResource20170331v2')).toBe('TagResource');
    expect(baseCallName('PutProvisionedConcurrencyConfig')).toBe('PutProvisionedConcurrencyConfig');
  });

  it('reads the function from names, qualified names, partial and full ARNs', () => {
    expect(functionNameOf('orders')).toBe('orders');
    expect(functionNameOf('orders:live')).toBe('orders');
    expect(functionNameOf('123456789012:function:orders')).toBe('orders');
    expect(functionNameOf('arn:aws:lambda:us-east-1:123456789012:function:orders:7')).toBe('orders');
    expect(functionNameOf('arn:aws:lambda:us-east-1:123456789012:layer:deps:3')).toBeUndefined();
  });

  it('names the function of each changing call', () => {
    expect(parse(cloudTrailEvent('UpdateFunctionConfiguration20150331v2', { functionName: 'shop-orders' }))).toMatchObject({
      kind: 'change',
      call: 'UpdateFunctionConfiguration',
      functionName: 'shop-orders',
      accountId: '123456789012',
      region: 'us-east-1',
      eventTime: Date.parse('2026-01-01T00:00:00Z'),
    });
    expect(parse(cloudTrailEvent('UpdateAlias20150331', { functionName: 'arn:aws:lambda:us-east-1:123456789012:function:shop-orders', name: 'live' }))).toMatchObject({ functionName: 'shop-orders' });
    expect(parse(cloudTrailEvent('TagResource20170331v2', { resource: 'arn:aws:lambda:us-east-1:123456789012:function:shop-orders', tags: {} }))).toMatchObject({ functionName: 'shop-orders' });
    expect(parse(cloudTrailEvent('DeleteEventSourceMapping20150331', { uUID: 'abc' }, { responseElements: { functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:shop-orders' } }))).toMatchObject({ functionName: 'shop-orders' });
    expect(parse(cloudTrailEvent('UpdateEventSourceMapping20150331', { uUID: 'abc' }))).toMatchObject({ kind: 'change', mappingUuid: 'abc' });
  });

  it('sorts out heartbeats, reads, failed calls, other sources and garbage', () => {
    expect(parse({ 'detail-type': 'Scheduled Event', source: 'aws.events', account: '123456789012', region: 'us-east-1', detail: {} })).toMatchObject({ kind: 'heartbeat' });
    expect(parse(cloudTrailEvent('GetFunction20150331v2', { functionName: 'x' }))).toMatchObject({ kind: 'ignored' });
    expect(parse(cloudTrailEvent('PublishLayerVersion20181031', { layerName: 'x' }))).toMatchObject({ kind: 'ignored' });
    expect(parse(cloudTrailEvent('UpdateFunctionCode20150331v2', { functionName: 'x' }, { errorCode: 'AccessDenied' }))).toMatchObject({ kind: 'ignored' });
    expect(parse(cloudTrailEvent('TagResource20170331v2', { resource: 'arn:aws:lambda:us-east-1:123456789012:layer:x' }))).toMatchObject({ kind: 'ignored' });
    expect(parse({ source: 'aws.s3', 'detail-type': 'Object Created', detail: {} })).toMatchObject({ kind: 'foreign' });
    expect(parseChangeMessage('{not json')).toMatchObject({ kind: 'malformed' });
    expect(parseChangeMessage('[1,2]')).toMatchObject({ kind: 'malformed' });
    expect(parse({ Type: 'Notification', Message: '{}' })).toMatchObject({ kind: 'malformed' });
    expect(parse({ ...cloudTrailEvent('CreateAlias20150331', {}), detail: 'x' })).toMatchObject({ kind: 'malformed' });
    expect(parse(cloudTrailEvent('CreateAlias20150331', { functionName: 'has spaces!' }))).toMatchObject({ kind: 'malformed' });
    expect(parse(cloudTrailEvent('CreateAlias20150331', null))).toMatchObject({ kind: 'malformed' });
  });
});
