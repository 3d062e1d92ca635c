import { InputError } from '@outrigger/runtime';
import type { BakeOperationDeps } from './BakeOperationDeps.js';

/** `POST /api/v1/{region}/bake[?rebake=1]` */
export function bindCreateBake({ router, deps, service, config }: BakeOperationDeps): void {
  deps.bind(router, 'createBake', async (input) => {
    const { params, query, body, req } = input;
    // Rosco does no account auth; when outrigger has accounts and an aws request names one, it must be writable.
    if (body.account_name && deps.config.aws.accounts.length && (body.cloud_provider_type ?? config.defaultCloudProviderType) === 'aws') {
      deps.authorizer.requireAccount(await input.principal(), body.account_name, 'WRITE', '$.body.account_name');
    }
    const header = req.header('x-spinnaker-execution-id') ?? body.spinnaker_execution_id;
    if (header && header.length > 512) {
      throw new InputError('Validation Failed', { errors: [{ field: '$.headers.x-spinnaker-execution-id', message: 'at most 512 characters' }] });
    }
    const executionId = header?.split(':')[0] || undefined;
    const user = req.header('x-spinnaker-user') ?? body.user;
    return service.submit(params.region, body, { rebake: query.rebake === '1', ...(executionId ? { executionId } : {}), ...(user ? { user } : {}) });
  });
}
