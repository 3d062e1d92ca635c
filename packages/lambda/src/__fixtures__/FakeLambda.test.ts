import { describe, expect, it } from 'vitest';
import { GetFunctionCommand, ListVersionsByFunctionCommand, PublishVersionCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { FakeLambda } from './FakeLambda.js';

describe('FakeLambda PublishVersion', () => {
  it('returns the latest version when neither code nor configuration changed since it, as Lambda does', async () => {
    const lambda = new FakeLambda();
    const send = (command: unknown) => lambda.send(command as never) as Promise<any>;
    lambda.seed('shop-api');
    const v1 = await send(new PublishVersionCommand({ FunctionName: 'shop-api' }));
    expect(v1.Version).toBe('1');
    const again = await send(new PublishVersionCommand({ FunctionName: 'shop-api', Description: 'retry' }));
    expect(again.Version).toBe('1');
    expect(again.RevisionId).toBe(v1.RevisionId);
    await send(new UpdateFunctionConfigurationCommand({ FunctionName: 'shop-api', MemorySize: 512 }));
    // Let the update settle (the fake finishes it after reads), then publish: a new version this time.
    for (let i = 0; i < 10; i++) await send(new GetFunctionCommand({ FunctionName: 'shop-api' }));
    const v2 = await send(new PublishVersionCommand({ FunctionName: 'shop-api' }));
    expect(v2.Version).toBe('2');
    expect(v2.MemorySize).toBe(512);
    lambda.touch('shop-api'); // an out-of-band edit
    expect((await send(new PublishVersionCommand({ FunctionName: 'shop-api' }))).Version).toBe('3');
    const listed = await send(new ListVersionsByFunctionCommand({ FunctionName: 'shop-api' }));
    expect(listed.Versions.map((v: { Version: string }) => v.Version)).toEqual(['$LATEST', '1', '2', '3']);
  });
});
