// Table test of the one leniency rule, with values as Deck and Orca really send them.
import { describe, expect, it } from 'vitest';
import { EcsDeploymentFieldsSchema, jacksonLenient, lambdaDescriptionSchemas } from '../index.js';

const ecs = (v: Record<string, unknown>) => jacksonLenient(EcsDeploymentFieldsSchema, v) as Record<string, unknown>;
const upsertMapping = (v: Record<string, unknown>) => jacksonLenient(lambdaDescriptionSchemas.upsertLambdaFunctionEventMapping, v) as Record<string, unknown>;
const create = (v: Record<string, unknown>) => jacksonLenient(lambdaDescriptionSchemas.createLambdaFunction, v) as Record<string, unknown>;

describe('jacksonLenient: Deck/Orca payload values read as clouddriver (Jackson) reads them', () => {
  const rows: [string, () => unknown, unknown][] = [
    // deck/packages/ecs/src/serverGroup/configure/serverGroupCommandBuilder.service.js:84 `healthCheckGracePeriodSeconds: ''`
    ['ECS "" for an integer is not set', () => 'healthCheckGracePeriodSeconds' in ecs({ healthCheckGracePeriodSeconds: '' }), false],
    ['ECS "   " for an integer is not set', () => 'healthCheckGracePeriodSeconds' in ecs({ healthCheckGracePeriodSeconds: '   ' }), false],
    ['ECS numeric string is that number', () => ecs({ healthCheckGracePeriodSeconds: '30' }).healthCheckGracePeriodSeconds, 30],
    ['ECS nested capacity strings', () => ecs({ capacity: { min: '1', max: '3', desired: '2' } }).capacity, { min: 1, max: 3, desired: 2 }],
    ['ECS boolean as string', () => ecs({ useTaskDefinitionArtifact: 'false' }).useTaskDefinitionArtifact, false],
    ['ECS boolean "" is not set', () => 'enableDeploymentCircuitBreaker' in ecs({ enableDeploymentCircuitBreaker: '' }), false],
    ['ECS port in a list item', () => (ecs({ targetGroupMappings: [{ containerName: 'web', containerPort: '8080', targetGroup: 'tg' }] }).targetGroupMappings as any[])[0].containerPort, 8080],
    ['ECS real type error left for the 400', () => ecs({ healthCheckGracePeriodSeconds: 'soon' }).healthCheckGracePeriodSeconds, 'soon'],
    ['a string field keeps its ""', () => ecs({ ecsClusterName: '' }).ecsClusterName, ''],
    // orca/.../tasks/providers/aws/lambda/LambdaUpdateEventConfigurationTask.java formEventObject: `.batchsize(taskInput.getBatchsize())`,
    // an int defaulting to 0 in LambdaUpdateEventConfigurationTaskInput when the stage sets none.
    ['Orca batchsize: 0 is not set', () => 'batchsize' in upsertMapping({ batchsize: 0, eventSourceArn: 'arn:aws:sqs:us-east-1:1:q' }), false],
    ['batchsize 10 stays', () => upsertMapping({ batchsize: 10 }).batchsize, 10],
    ['batchsize "25" is 25', () => upsertMapping({ batchsize: '25' }).batchsize, 25],
    ['-1 stays -1 (Orca\'s "not set" for windows, read by the operation)', () => upsertMapping({ maxBatchingWindowSecs: -1 }).maxBatchingWindowSecs, -1],
    ['Lambda memorySize from a text input', () => create({ memorySize: '512', timeout: '30' }), { memorySize: 512, timeout: 30 }],
    ['Lambda publish "true"', () => create({ publish: 'true' }).publish, true],
    ['Lambda timeout ""', () => 'timeout' in create({ timeout: '' }), false],
    ['null stays null (not set either way)', () => create({ memorySize: null }).memorySize, null],
  ];
  for (const [name, got, want] of rows) it(name, () => expect(got()).toEqual(want));

  it('does not touch user maps (env variables stay strings)', () => {
    expect(create({ envVariables: { PORT: '8080', EMPTY: '' } }).envVariables).toEqual({ PORT: '8080', EMPTY: '' });
  });
});
