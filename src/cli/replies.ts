import type { Config } from '../config.js';
import type { ActionHandler } from '../core/actions/handler.js';

/**
 * The mail and social reply handlers this machine's credentials allow (local side). Loaded lazily: the Gmail
 * and X libraries cost start-up time, and a machine without their credentials never needs them.
 */
export async function replyHandlersFromConfig(config: Config): Promise<ActionHandler[]> {
  const w = config.watch;
  const handlers: ActionHandler[] = [];
  const { sendEmailHandler, publishReplyHandler } = await import('../core/actions/reply-actions.js');
  if (w.gmail.clientId && w.gmail.clientSecret && w.gmail.refreshToken) {
    const { createGmailClient } = await import('../core/providers/gmail-client.js');
    const gmail = createGmailClient({
      apiUrl: w.gmail.apiUrl,
      tokenUrl: w.gmail.tokenUrl,
      credentials: {
        clientId: w.gmail.clientId,
        clientSecret: w.gmail.clientSecret,
        refreshToken: w.gmail.refreshToken,
      },
      timeoutMs: w.httpTimeoutMs,
    });
    handlers.push(sendEmailHandler(gmail));
  }
  const social: Parameters<typeof publishReplyHandler>[0] = {};
  if (w.x.appKey && w.x.appSecret && w.x.accessToken && w.x.accessSecret) {
    const { createXClient } = await import('../core/providers/x-client.js');
    social.x = createXClient({ apiUrl: w.x.apiUrl, credentials: w.x, timeoutMs: w.httpTimeoutMs });
  }
  const graph = (token: string, apiUrl = w.graph.apiUrl) => ({
    apiUrl,
    version: w.graph.version,
    token,
    timeoutMs: w.httpTimeoutMs,
  });
  if (w.graph.pageToken) social.facebook = graph(w.graph.pageToken);
  // Instagram's host follows its login (graph.instagram.com for Instagram Login tokens).
  if (w.graph.igToken) social.instagram = graph(w.graph.igToken, w.graph.igApiUrl);
  if (social.x || social.facebook || social.instagram) handlers.push(publishReplyHandler(social));
  return handlers;
}
