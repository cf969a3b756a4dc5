import type { ApprovalAction } from '../vault/approval-actions.js';

/**
 * What a reply to a watched item needs approved: the action and its parameters, taken from the task's
 * frontmatter as the watchers write it. `undefined` for a task that gets a note instead of a reply
 * (a dropped file).
 */
export interface ReplyPlan {
  action: ApprovalAction;
  params: Record<string, unknown>;
  kind: string;
}

const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** The id the source gave the item: `gmail:abc` → `abc`. */
export const sourceIdOf = (taskId: string) => taskId.slice(taskId.indexOf(':') + 1);

/** The address part of a From header: `Ann <ann@example.com>` → `ann@example.com`. */
export function addressOf(from: string): string {
  const match = /<([^>]+)>/.exec(from);
  return (match?.[1] ?? from).trim();
}

export function replyPlanFor(fm: Record<string, unknown>): ReplyPlan | undefined {
  const id = String(fm['id'] ?? '');
  // The item to answer: the watcher's explicit reply target, else the item itself.
  const target = str(fm['reply_to_id']) ?? sourceIdOf(id);
  switch (fm['type']) {
    case 'email': {
      const subject = String(fm['subject'] ?? '');
      return {
        action: 'send_email',
        kind: 'email_reply',
        params: {
          to: addressOf(String(fm['reply_to'] ?? fm['from'] ?? '')),
          subject: /^re:/i.test(subject) ? subject : `Re: ${subject}`,
          thread_id: str(fm['thread_id']),
          in_reply_to: str(fm['message_id']),
        },
      };
    }
    case 'tweet':
      return {
        action: 'publish_reply',
        kind: 'social_reply',
        params: { platform: 'x', target_id: target, recipient: str(fm['author']) },
      };
    case 'facebook_comment':
      return {
        action: 'publish_reply',
        kind: 'social_reply',
        params: { platform: 'facebook', target_id: target, recipient: str(fm['author']) },
      };
    case 'facebook_message':
      return {
        action: 'publish_reply',
        kind: 'social_reply',
        params: { platform: 'messenger', target_id: str(fm['sender_id']) ?? target, recipient: str(fm['author']) },
      };
    case 'instagram_comment':
      return {
        action: 'publish_reply',
        kind: 'social_reply',
        params: { platform: 'instagram', target_id: target, recipient: str(fm['author']) },
      };
    default:
      return undefined;
  }
}
