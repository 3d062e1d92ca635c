import { REST } from '@spinnaker/core';

/**
 * The stage forms read outrigger through Gate's proxy (`proxies: [{id: outrigger, uri: <outrigger>}]` in gate-local.yml),
 * i.e. `${gateUrl}/proxies/outrigger/...`, so the browser needs no other origin.
 */
export const OUTRIGGER_PROXY = '/proxies/outrigger';

export interface OutriggerAccount {
  name: string;
  regions: { name: string }[];
  lambdaEnabled: boolean;
  ecsEnabled: boolean;
  environment?: string;
  /** Set on ECS accounts of `ecs.accounts` that use another AWS account's credentials (ECS only). */
  awsAccount?: string;
}

let accounts: Promise<OutriggerAccount[]> | undefined;

/** `GET /accounts` once per page (what Deck's AccountService does for clouddriver's /credentials). */
export function listAccounts(): Promise<OutriggerAccount[]> {
  accounts ??= Promise.resolve(REST(`${OUTRIGGER_PROXY}/accounts`).get<OutriggerAccount[]>()).catch((err: unknown) => {
    accounts = undefined;
    throw err;
  });
  return accounts;
}

export function getTask(id: string): PromiseLike<any> {
  return REST(`${OUTRIGGER_PROXY}/task/${encodeURIComponent(id)}`).get();
}

export function previewRender(body: Record<string, unknown>): PromiseLike<any> {
  return REST(`${OUTRIGGER_PROXY}/ecs/taskDefinitions/render`).post(body);
}
