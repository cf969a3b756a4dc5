import type { TwitterApi } from 'twitter-api-v2';
import { AppError, invalidInput } from '../errors.js';
import type { GraphOptions } from '../providers/graph-client.js';
import { replyToFacebookComment, replyToInstagramComment } from '../providers/graph-reply.js';
import { sendGmailReply } from '../providers/gmail-reply.js';
import type { GmailApi } from '../providers/gmail-client.js';
import { postXReply } from '../providers/x-reply.js';
import type { ActionHandler } from './handler.js';

/** The approved text: the approval file's own text block, as the owner decided on it (the hash covers it). */
function textOf(sendText: string): string {
  const text = sendText.trim();
  if (text === '') throw invalidInput('The approved text is empty; nothing was sent.');
  return text;
}

/** send_email: Gmail `users.messages.send`, as a reply in the original's thread. */
export function sendEmailHandler(gmail: GmailApi): ActionHandler {
  return {
    action: 'send_email',
    async execute(approval) {
      const p = approval.params;
      const sent = await sendGmailReply(gmail, {
        to: String(p['to']),
        subject: String(p['subject']),
        body: textOf(approval.sendText),
        threadId: String(p['thread_id'] ?? ''),
        inReplyTo: String(p['in_reply_to'] ?? ''),
      });
      return { message_id: sent.id, thread_id: sent.threadId, to: String(p['to']) };
    },
  };
}

export interface SocialClients {
  x?: TwitterApi;
  facebook?: GraphOptions;
  instagram?: GraphOptions;
}

/** publish_reply: a public reply on X, Facebook or Instagram, with the client this machine has for it. */
export function publishReplyHandler(clients: SocialClients): ActionHandler {
  const missing = (platform: string) =>
    new AppError('conflict', `No ${platform} credentials are configured on this machine; nothing was posted.`);
  return {
    action: 'publish_reply',
    async execute(approval) {
      const platform = String(approval.params['platform']);
      const target = String(approval.params['target_id']);
      const text = textOf(approval.sendText);
      switch (platform) {
        case 'x': {
          if (!clients.x) throw missing('X');
          return { platform, reply_id: (await postXReply(clients.x, { inReplyToId: target, text })).id };
        }
        case 'facebook': {
          if (!clients.facebook) throw missing('Facebook');
          return {
            platform,
            reply_id: (await replyToFacebookComment(clients.facebook, { commentId: target, message: text })).id,
          };
        }
        case 'instagram': {
          if (!clients.instagram) throw missing('Instagram');
          return {
            platform,
            reply_id: (await replyToInstagramComment(clients.instagram, { commentId: target, message: text })).id,
          };
        }
        default:
          // Messenger replies need the Send API and a 24-hour window; not built: the owner answers by hand.
          throw invalidInput(
            `Replies on ${platform} are not sent automatically yet; answer in the app, then reject this request.`,
          );
      }
    },
  };
}
