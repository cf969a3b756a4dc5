/**
 * OAuth scopes as Gmail checks them, and Google's error bodies (Gmail API guide "Resolve errors"; each
 * method's "Authorization scopes" in the Gmail API reference). An access token carries the scopes its refresh
 * token was granted; a method accepts any one of its list.
 */
export const SCOPES = {
  full: 'https://mail.google.com/',
  modify: 'https://www.googleapis.com/auth/gmail.modify',
  readonly: 'https://www.googleapis.com/auth/gmail.readonly',
  metadata: 'https://www.googleapis.com/auth/gmail.metadata',
  compose: 'https://www.googleapis.com/auth/gmail.compose',
  send: 'https://www.googleapis.com/auth/gmail.send',
} as const;

/** Which scopes each method the stand-in serves accepts (the reference pages' "Authorization scopes"). */
export const METHOD_SCOPES = {
  getProfile: [SCOPES.full, SCOPES.modify, SCOPES.compose, SCOPES.readonly, SCOPES.metadata],
  'history.list': [SCOPES.full, SCOPES.modify, SCOPES.readonly, SCOPES.metadata],
  'messages.list': [SCOPES.full, SCOPES.modify, SCOPES.readonly, SCOPES.metadata],
  'messages.get': [SCOPES.full, SCOPES.modify, SCOPES.readonly, SCOPES.metadata],
  'messages.send': [SCOPES.full, SCOPES.modify, SCOPES.compose, SCOPES.send],
} as const;
export type GmailMethod = keyof typeof METHOD_SCOPES;

/** The `caribou` RPC names Google puts in ErrorInfo.metadata.method. */
const RPC: Record<GmailMethod, string> = {
  getProfile: 'caribou.api.proto.MailboxService.GetProfile',
  'history.list': 'caribou.api.proto.MailboxService.ListHistory',
  'messages.list': 'caribou.api.proto.MailboxService.ListMessages',
  'messages.get': 'caribou.api.proto.MailboxService.GetMessage',
  'messages.send': 'caribou.api.proto.MailboxService.SendMessage',
};

export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export const googleError = (code: number, status: string, message: string, reason: string, domain = 'global') => ({
  error: { code, message, errors: [{ message, domain, reason }], status },
});

/** Google's 403 for a token without any scope the method accepts. */
export function insufficientScopes(method: GmailMethod): Answer {
  return {
    status: 403,
    body: {
      error: {
        code: 403,
        message: 'Request had insufficient authentication scopes.',
        errors: [{ message: 'Insufficient Permission', domain: 'global', reason: 'insufficientPermissions' }],
        status: 'PERMISSION_DENIED',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
            domain: 'googleapis.com',
            metadata: { service: 'gmail.googleapis.com', method: RPC[method] },
          },
        ],
      },
    },
    headers: {
      'www-authenticate': `Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="${METHOD_SCOPES[method].join(' ')}"`,
    },
  };
}

/**
 * What a token holding gmail.metadata may not do. Why "holding" and not "limited to": Google applies the
 * metadata restrictions whenever that scope is in the token, even next to gmail.readonly (Google issue tracker
 * 115621456, reported in googleapis/google-api-python-client#582).
 */
export function metadataRefusal(what: 'q' | 'format', format = 'FULL'): Answer {
  const message =
    what === 'q' ? "Metadata scope does not support 'q' parameter" : `Metadata scope doesn't allow format ${format}`;
  return { status: 403, body: googleError(403, 'PERMISSION_DENIED', message, 'forbidden') };
}

/** The per-user (userRateLimitExceeded) and per-project (rateLimitExceeded) 403s; Gmail sends no Retry-After. */
export function rateLimit403(reason: 'userRateLimitExceeded' | 'rateLimitExceeded'): Answer {
  const message = reason === 'userRateLimitExceeded' ? 'User Rate Limit Exceeded' : 'Rate Limit Exceeded';
  return {
    status: 403,
    body: { error: { code: 403, message, errors: [{ message, domain: 'usageLimits', reason }] } },
  };
}
