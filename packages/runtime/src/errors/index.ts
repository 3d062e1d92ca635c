export { OutriggerError } from './OutriggerError.js';
export {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  NotImplementedError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  TooManyRequestsError,
  UnsupportedMediaTypeError,
  UpstreamError,
} from './errors.js';
export { reasonPhrase, statusFor } from './statusFor.js';
export { fieldErrors, jsonPath } from './zodIssues.js';
