import type { FunctionConfiguration, UpdateFunctionConfigurationRequest } from '@aws-sdk/client-lambda';
import type { z } from 'zod';
import type { LambdaFunctionSettingsSchema } from '@outrigger/contract';

type Settings = z.infer<typeof LambdaFunctionSettingsSchema>;
const set = <T>(v: T | null | undefined): v is T => v !== undefined && v !== null;

/**
 * The Lambda configuration a description asks for, as UpdateFunctionConfiguration/CreateFunction input. Only fields
 * the description sets are included (absent and null mean "leave as is"); subnets and security groups go together.
 */
export function toFunctionConfiguration(d: Settings): Omit<UpdateFunctionConfigurationRequest, 'FunctionName'> {
  const c: Omit<UpdateFunctionConfigurationRequest, 'FunctionName'> = {};
  if (set(d.description)) c.Description = d.description;
  if (set(d.handler)) c.Handler = d.handler;
  if (set(d.role)) c.Role = d.role;
  if (set(d.runtime)) c.Runtime = d.runtime as never;
  if (set(d.layers)) c.Layers = d.layers;
  if (set(d.memorySize)) c.MemorySize = d.memorySize;
  if (set(d.timeout)) c.Timeout = d.timeout;
  if (set(d.envVariables)) c.Environment = { Variables: d.envVariables };
  if (set(d.subnetIds) || set(d.securityGroupIds)) c.VpcConfig = { SubnetIds: d.subnetIds ?? [], SecurityGroupIds: d.securityGroupIds ?? [] };
  if (set(d.deadLetterConfig) && set(d.deadLetterConfig.targetArn)) c.DeadLetterConfig = { TargetArn: d.deadLetterConfig.targetArn };
  if (set(d.tracingConfig) && set(d.tracingConfig.mode)) c.TracingConfig = { Mode: d.tracingConfig.mode };
  if (set(d.kmskeyArn)) c.KMSKeyArn = d.kmskeyArn;
  if (set(d.imageConfig))
    c.ImageConfig = {
      ...(set(d.imageConfig.command) ? { Command: d.imageConfig.command } : {}),
      ...(set(d.imageConfig.entryPoint) ? { EntryPoint: d.imageConfig.entryPoint } : {}),
      ...(set(d.imageConfig.workingDirectory) ? { WorkingDirectory: d.imageConfig.workingDirectory } : {}),
    };
  if (set(d.ephemeralStorage) && set(d.ephemeralStorage.size)) c.EphemeralStorage = { Size: d.ephemeralStorage.size };
  if (set(d.snapStart) && set(d.snapStart.applyOn)) c.SnapStart = { ApplyOn: d.snapStart.applyOn };
  if (set(d.loggingConfig)) {
    const l = d.loggingConfig;
    c.LoggingConfig = {
      ...(set(l.logFormat) ? { LogFormat: l.logFormat } : {}),
      ...(set(l.applicationLogLevel) ? { ApplicationLogLevel: l.applicationLogLevel } : {}),
      ...(set(l.systemLogLevel) ? { SystemLogLevel: l.systemLogLevel } : {}),
      ...(set(l.logGroup) ? { LogGroup: l.logGroup } : {}),
    };
  }
  return c;
}

/** The requested fields whose current value differs (for adopting an existing function on create). */
export function configDifferences(want: Omit<UpdateFunctionConfigurationRequest, 'FunctionName'>, have: FunctionConfiguration): string[] {
  const diffs: string[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const sorted = (x: string[] | undefined) => [...(x ?? [])].sort();
  if (want.Description !== undefined && want.Description !== (have.Description ?? '')) diffs.push('description');
  if (want.Handler !== undefined && want.Handler !== have.Handler) diffs.push('handler');
  if (want.Role !== undefined && want.Role !== have.Role) diffs.push('role');
  if (want.Runtime !== undefined && want.Runtime !== have.Runtime) diffs.push('runtime');
  if (want.MemorySize !== undefined && want.MemorySize !== have.MemorySize) diffs.push('memorySize');
  if (want.Timeout !== undefined && want.Timeout !== have.Timeout) diffs.push('timeout');
  if (want.Layers !== undefined && !same(want.Layers, (have.Layers ?? []).map((l) => l.Arn))) diffs.push('layers');
  if (want.Environment !== undefined && !same(want.Environment.Variables ?? {}, have.Environment?.Variables ?? {})) diffs.push('envVariables');
  if (want.VpcConfig !== undefined && (!same(sorted(want.VpcConfig.SubnetIds), sorted(have.VpcConfig?.SubnetIds)) || !same(sorted(want.VpcConfig.SecurityGroupIds), sorted(have.VpcConfig?.SecurityGroupIds))))
    diffs.push('subnetIds/securityGroupIds');
  if (want.DeadLetterConfig !== undefined && want.DeadLetterConfig.TargetArn !== have.DeadLetterConfig?.TargetArn) diffs.push('deadLetterConfig');
  if (want.TracingConfig !== undefined && want.TracingConfig.Mode !== (have.TracingConfig?.Mode ?? 'PassThrough')) diffs.push('tracingConfig');
  if (want.KMSKeyArn !== undefined && want.KMSKeyArn !== have.KMSKeyArn) diffs.push('kmskeyArn');
  if (want.EphemeralStorage !== undefined && want.EphemeralStorage.Size !== (have.EphemeralStorage?.Size ?? 512)) diffs.push('ephemeralStorage');
  if (want.SnapStart !== undefined && want.SnapStart.ApplyOn !== (have.SnapStart?.ApplyOn ?? 'None')) diffs.push('snapStart');
  if (want.ImageConfig !== undefined) {
    const h = have.ImageConfigResponse?.ImageConfig ?? {};
    const w = want.ImageConfig;
    if ((w.Command && !same(w.Command, h.Command)) || (w.EntryPoint && !same(w.EntryPoint, h.EntryPoint)) || (w.WorkingDirectory !== undefined && w.WorkingDirectory !== h.WorkingDirectory))
      diffs.push('imageConfig');
  }
  if (want.LoggingConfig !== undefined) {
    const h = have.LoggingConfig ?? {};
    const w = want.LoggingConfig;
    const keys = ['LogFormat', 'ApplicationLogLevel', 'SystemLogLevel', 'LogGroup'] as const;
    if (keys.some((k) => w[k] !== undefined && w[k] !== h[k])) diffs.push('loggingConfig');
  }
  return diffs;
}
