import { ExpiredTokenException, RegionDisabledException } from '@aws-sdk/client-sts';
import { ServiceException } from '@smithy/smithy-client';
import { describe, expect, it } from 'vitest';
import { mapAwsError } from './mapAwsError.js';

const sdk = (name: string, status: number) => new ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, message: `${name} happened` });

describe('mapAwsError', () => {
  it.each([
    ['ResourceNotFoundException', 404, 'NotFoundError', false],
    ['TooManyRequestsException', 429, 'ServiceUnavailableError', true],
    ['ThrottlingException', 400, 'ServiceUnavailableError', true],
    ['AccessDeniedException', 403, 'NotAllowedError', false],
    ['ResourceConflictException', 409, 'ConflictError', true],
    ['InvalidParameterValueException', 400, 'InputError', false],
    ['ServiceException', 500, 'UpstreamError', true],
  ] as const)('%s (%i) → %s', (name, status, mapped, retryable) => {
    const e = mapAwsError(sdk(name, status), 'lambda');
    expect(e.name).toBe(mapped);
    expect(e.message).toBe(`lambda: ${name}: ${name} happened`);
    expect((e as unknown as { retryable: boolean }).retryable).toBe(retryable);
    expect(JSON.stringify(e)).not.toContain('$response');
  });

  it("maps the SDK's own exception classes", () => {
    expect(mapAwsError(new ExpiredTokenException({ message: 'expired', $metadata: { httpStatusCode: 400 } }), 'sts').name).toBe('UpstreamError');
    expect(mapAwsError(new RegionDisabledException({ message: 'off', $metadata: { httpStatusCode: 403 } }), 'sts').name).toBe('NotAllowedError');
  });
});
