import { describe, expect, it } from 'vitest';
import { listRuntimes, runtimeFamily } from '../listRuntimes.js';
import { parseS3Reference } from './resolveCode.js';
import { statementIdFor, targetGroupList, targetGroupName, targetGroupsFromPolicy } from './targetGroups.js';
import { toCamel } from './toCamel.js';

describe('toCamel', () => {
  it('camel-cases SDK keys, drops $metadata and nulls, keeps user maps as they are', () => {
    expect(
      toCamel({
        $metadata: { httpStatusCode: 200 },
        FunctionName: 'f',
        KMSKeyArn: 'arn:k',
        Environment: { Variables: { API_KEY: 'x', LogLevel: 'debug' } },
        VpcConfig: { SubnetIds: ['s'], VpcId: null },
        Layers: [{ Arn: 'arn:l', CodeSize: 1 }],
      }),
    ).toEqual({ functionName: 'f', kmskeyArn: 'arn:k', environment: { variables: { API_KEY: 'x', LogLevel: 'debug' } }, vpcConfig: { subnetIds: ['s'] }, layers: [{ arn: 'arn:l', codeSize: 1 }] });
  });
});

describe('target groups', () => {
  const tg = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg/73e2d6bc24d8a067';
  it('derives a stable statement id per target group', () => {
    expect(statementIdFor(tg)).toBe(statementIdFor(tg));
    expect(statementIdFor(tg)).not.toBe(statementIdFor(`${tg}x`));
    expect(statementIdFor(tg)).toMatch(/^outrigger-elb-[0-9a-f]{24}$/);
  });
  it('reads target groups from an ELB invoke permission', () => {
    const policy = JSON.stringify({
      Statement: [
        { Sid: 'a', Effect: 'Allow', Principal: { Service: 'elasticloadbalancing.amazonaws.com' }, Condition: { ArnLike: { 'AWS:SourceArn': tg } } },
        { Sid: 'b', Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Condition: { ArnLike: { 'AWS:SourceArn': 'arn:sns' } } },
      ],
    });
    expect(targetGroupsFromPolicy(policy)).toEqual([{ arn: tg, sid: 'a' }]);
    expect(targetGroupName(tg)).toBe('web-tg');
    expect(targetGroupsFromPolicy('not json')).toEqual([]);
  });
  it('accepts clouddriver\'s single string, a comma list or an array', () => {
    expect(targetGroupList('web-tg')).toEqual(['web-tg']);
    expect(targetGroupList('a, b')).toEqual(['a', 'b']);
    expect(targetGroupList(['a'])).toEqual(['a']);
    expect(targetGroupList('')).toEqual([]);
    expect(targetGroupList(null)).toBeUndefined();
  });
});

describe('runtimes and references', () => {
  it('lists SDK runtimes newest first per family, with deprecation', () => {
    const r = listRuntimes(new Date('2026-11-23T00:00:00Z'));
    const node = r.filter((x) => x.family === 'nodejs').map((x) => x.runtime);
    expect(node.indexOf('nodejs22.x')).toBeLessThan(node.indexOf('nodejs18.x'));
    expect(r.find((x) => x.runtime === 'nodejs20.x')).toMatchObject({ deprecated: true, deprecationDate: '2026-04-30' });
    expect(listRuntimes(new Date('2026-01-01T00:00:00Z')).find((x) => x.runtime === 'nodejs20.x')!.deprecated).toBe(false);
    expect(runtimeFamily('provided.al2023')).toBe('provided');
  });
  it('parses s3 references', () => {
    expect(parseS3Reference('s3://bucket/path/to/k.zip')).toEqual({ bucket: 'bucket', key: 'path/to/k.zip' });
    expect(parseS3Reference('https://x')).toBeUndefined();
  });
});
