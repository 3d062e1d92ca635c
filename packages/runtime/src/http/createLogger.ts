import pino, { type DestinationStream, type Logger } from 'pino';

/** Paths that may carry credentials; pino replaces their values before a line is written. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  '*.password',
  '*.secretAccessKey',
  '*.sessionToken',
  '*.token',
  '*.privateKey',
  '*.aws_secret_key',
  '*.aws_access_key',
];

/** Structured JSON logs (pino), one line per event, with secrets redacted. */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'outrigger' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}
