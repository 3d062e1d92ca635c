const byName: Record<string, number> = {
  InputError: 400,
  AuthenticationError: 401,
  NotAllowedError: 403,
  NotFoundError: 404,
  ConflictError: 409,
  PayloadTooLargeError: 413,
  UnsupportedMediaTypeError: 415,
  TooManyRequestsError: 429,
  NotImplementedError: 501,
  UpstreamError: 502,
  ServiceUnavailableError: 503,
};

/**
 * The one place that knows HTTP statuses. Named outrigger errors map by `name`; body-parser errors carry a numeric
 * `status`/`statusCode` in the 4xx range, which is honoured; everything else is a 500.
 */
export function statusFor(err: unknown): number {
  if (err && typeof err === 'object') {
    const name = (err as { name?: unknown }).name;
    if (typeof name === 'string' && name in byName) return byName[name]!;
    const numeric = (err as { status?: unknown; statusCode?: unknown }).status ?? (err as { statusCode?: unknown }).statusCode;
    if (typeof numeric === 'number' && numeric >= 400 && numeric < 500) return numeric;
  }
  return 500;
}

const reasons: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export function reasonPhrase(status: number): string {
  return reasons[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
}
