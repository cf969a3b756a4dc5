import { invalidInput } from '../errors.js';
import { graphPost, type GraphOptions } from './graph-client.js';

function checkReply(commentId: string, message: string): void {
  // Why: the id becomes a URL path segment; anything but Graph's id alphabet could walk to another endpoint.
  if (!/^[0-9A-Za-z_-]+$/.test(commentId))
    throw invalidInput('The comment id is not a Graph id (digits and underscores).');
  if (message.trim() === '') throw invalidInput('A reply needs some text.');
}

function idOf(body: unknown): string {
  const id = (body as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? id : String(id ?? '');
}

/** Replies to a Facebook Page comment: `POST /{comment-id}/comments` with a Page token. Returns the new comment's id. */
export async function replyToFacebookComment(
  options: GraphOptions,
  args: { commentId: string; message: string },
): Promise<{ id: string }> {
  checkReply(args.commentId, args.message);
  const needs = 'pages_manage_engagement';
  return { id: idOf(await graphPost(options, `${args.commentId}/comments`, { message: args.message }, needs)) };
}

/**
 * Replies to an Instagram comment: `POST /{ig-comment-id}/replies`, the same path and `message` on both hosts
 * (graph.facebook.com with a Page token from Facebook Login, graph.instagram.com with an Instagram Login
 * token: `options.apiUrl` picks). Returns the new comment's id.
 */
export async function replyToInstagramComment(
  options: GraphOptions,
  args: { commentId: string; message: string },
): Promise<{ id: string }> {
  checkReply(args.commentId, args.message);
  // Graph's Instagram errors name no permission; each login has its own name for the one needed here.
  const needs = 'instagram_manage_comments (Facebook Login) or instagram_business_manage_comments (Instagram Login)';
  return { id: idOf(await graphPost(options, `${args.commentId}/replies`, { message: args.message }, needs)) };
}
