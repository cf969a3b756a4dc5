import { randomBytes } from 'node:crypto';

/**
 * Who may call what on the Graph stand-in: each token belongs to one host (a Facebook Login token, `EAA…`, to
 * graph.facebook.com; an Instagram Login token, `IG…`, to graph.instagram.com) and carries a set of granted
 * permissions. A call without the permission its endpoint needs gets Graph's own error body for it.
 */
export type GraphHost = 'facebook' | 'instagram';

export interface TokenGrant {
  host: GraphHost;
  permissions: Set<string>;
}

/** What each endpoint needs (Meta's permission reference and the endpoint pages name these). */
export const NEEDS = {
  /** /{page}/feed, /{post-or-comment}/comments: reading posts and what people wrote on them. */
  pageContent: ['pages_read_engagement', 'pages_read_user_content'],
  /** /{page}/conversations, /{conversation}/messages. */
  messaging: ['pages_messaging'],
  /** POST /{comment}/comments. */
  pageReply: ['pages_manage_engagement'],
  /** Instagram API with Facebook Login (graph.facebook.com, a Page token). */
  igFacebookMedia: ['instagram_basic'],
  igFacebookComments: ['instagram_basic', 'instagram_manage_comments'],
  /** Instagram API with Instagram Login (graph.instagram.com, an Instagram user token). */
  igLoginMedia: ['instagram_business_basic'],
  igLoginComments: ['instagram_business_basic', 'instagram_business_manage_comments'],
} as const;

export const graphError = (code: number, message: string, extra: Record<string, unknown> = {}) => ({
  error: { message, type: 'OAuthException', code, fbtrace_id: `A${randomBytes(8).toString('hex')}`, ...extra },
});

/** The first permission in `needs` that `grant` lacks. */
export function missingOf(grant: TokenGrant, needs: readonly string[]): string | undefined {
  return needs.find((p) => !grant.permissions.has(p));
}

/**
 * Graph's answer to a call that lacks `permission`, as real apps see it: Page reads answer code 10 naming the
 * permission, Messenger code 230 and Page writes code 200 ("Requires … permission to manage the object"),
 * and every Instagram endpoint code 10 "Application does not have permission for this action", naming none.
 */
export function permissionError(permission: string): { status: number; body: unknown } {
  if (permission.startsWith('instagram_'))
    return { status: 403, body: graphError(10, '(#10) Application does not have permission for this action') };
  if (permission === 'pages_messaging')
    return { status: 403, body: graphError(230, '(#230) Requires pages_messaging permission to manage the object') };
  if (permission === 'pages_manage_engagement')
    return {
      status: 403,
      body: graphError(200, '(#200) Requires pages_manage_engagement permission to manage the object'),
    };
  return {
    status: 403,
    body: graphError(
      10,
      `(#10) This endpoint requires the '${permission}' permission or the 'Page Public Content Access' feature. Refer to https://developers.facebook.com/docs/apps/review/login-permissions#manage-pages and https://developers.facebook.com/docs/apps/review/feature#reference-PAGES_ACCESS for details.`,
    ),
  };
}

/** Graph's answer to a token it cannot read on this host (an Instagram token sent to graph.facebook.com). */
export const cannotParseToken = () => graphError(190, 'Invalid OAuth access token - Cannot parse access token');

/** An object the token cannot load: missing, deleted, or not visible to it (Graph does not say which). */
export const unknownObject = (method: string, id: string) =>
  graphError(
    100,
    `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    { error_subcode: 33 },
  );
