import { z } from 'zod';
import { defineOperation } from '../operationDef.js';
import { AccountSummarySchema, PluginInfoSchema } from '../schemas/plugins.js';

/** Operations of `openapi/paths/plugins.yaml`. */
export const pluginOperations = {
  getPluginRepository: defineOperation({ method: 'get', path: '/plugins/repository/plugins.json', response: z.array(PluginInfoSchema) }),
  getDeckPluginBundle: defineOperation({ method: 'get', path: '/plugins/repository/deck.zip' }),
  listAccounts: defineOperation({ method: 'get', path: '/accounts', response: z.array(AccountSummarySchema) }),
};
