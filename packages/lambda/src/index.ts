export { createLambdaProvider, makeLambdaProvider, InvalidAccountException } from './createLambdaProvider.js';
export type { LambdaProvider, LambdaProviderOptions } from './createLambdaProvider.js';
export { LambdaConfigSchema } from './config.js';
export type { LambdaConfig } from './config.js';
export { FunctionInventory } from './inventory/FunctionInventory.js';
export type { RefreshStats } from './inventory/FunctionInventory.js';
export { listRuntimes } from './listRuntimes.js';
export { functionNameFor, monikerOf, monikerTags, MONIKER_TAGS } from './naming.js';
export { statementIdFor } from './aws/targetGroups.js';
