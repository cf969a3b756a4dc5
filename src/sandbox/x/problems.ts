/**
 * X API v2 error bodies, field for field as X sends them (RFC 7807 "problem" documents, served as
 * `application/problem+json`). twitter-api-v2 parses that content type as JSON and exposes the body as
 * `ApiResponseError.data`, so our classification (core/providers/x-client.ts) reads exactly these fields.
 */

export const PROBLEM_CONTENT_TYPE = { 'content-type': 'application/problem+json' };

const PROBLEMS = 'https://api.twitter.com/2/problems';

/** 401: X names no reason (bad token, bad signature, unknown keys all look the same). */
export const unauthorized = () => ({ title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });

/** 429: the same four fields whichever window (15 minutes or 24 hours) is exhausted; the headers tell which. */
export const tooManyRequests = () => ({
  title: 'Too Many Requests',
  detail: 'Too Many Requests',
  type: 'about:blank',
  status: 429,
});

/** 403 when the endpoint needs a user context (`/2/users/me`, `POST /2/tweets`) and an app-only bearer came. */
export const unsupportedAuthentication = () => ({
  title: 'Unsupported Authentication',
  detail:
    'Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].',
  type: `${PROBLEMS}/unsupported-authentication`,
  status: 403,
});

/** 403 when an app whose permissions are "Read" posts with OAuth 1.0a keys. */
export const oauth1Permissions = () => ({
  title: 'Forbidden',
  status: 403,
  detail: 'Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.',
  type: `${PROBLEMS}/oauth1-permissions`,
});

/** 403 when the app's project is on an access level (plan) that does not include the endpoint. */
export const clientNotEnrolled = (clientId: string) => ({
  client_id: clientId,
  detail:
    'When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project. You can create a project via the developer portal.',
  registration_url: 'https://developer.twitter.com/en/docs/projects/overview',
  title: 'Client Forbidden',
  required_enrollment: 'Appropriate Level of API Access',
  reason: 'client-not-enrolled',
  type: `${PROBLEMS}/client-forbidden`,
});

/** 400 for a query parameter out of range, e.g. `max_results` outside 5..100 on the mentions timeline. */
export const invalidParameter = (name: string, value: string, message: string) => ({
  errors: [{ parameters: { [name]: [value] }, message }],
  title: 'Invalid Request',
  detail: 'One or more parameters to your request was invalid.',
  type: `${PROBLEMS}/invalid-request`,
});

export const notFound = () => ({ title: 'Not Found', detail: 'Not Found', type: 'about:blank', status: 404 });

export const serverError = (status: number) => ({
  title: 'Internal Server Error',
  detail: 'Internal Server Error',
  type: 'about:blank',
  status,
});
