import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { invalidInput } from '../errors.js';
import { resolveIn, type VaultContext } from '../vault/context.js';
import { parseTaskText, type TaskText } from '../vault/frontmatter.js';
import { APPROVAL_ACTIONS, paramsFromFrontmatter, type ApprovalAction } from '../vault/approval-actions.js';
import { extractApprovalText } from '../vault/approval-text.js';

/** An approval file as the executor reads it: the fields every check needs, and the draft text it covers. */
export interface ApprovalDoc {
  rel: string;
  abs: string;
  text: TaskText;
  id: string;
  action: ApprovalAction;
  params: Record<string, unknown>;
  created: string;
  expires: string;
  contentSha256: string;
  sourceTask: string | undefined;
  /** The text the action sends, from the file's own text block ('' for actions that send none). */
  sendText: string;
}

const isoDate = z.iso.datetime({ offset: true });
const ApprovalHeader = z.looseObject({
  type: z.literal('approval_request'),
  id: z.string().min(1),
  action: z.enum(Object.keys(APPROVAL_ACTIONS) as [ApprovalAction, ...ApprovalAction[]]),
  created: isoDate,
  expires: isoDate,
  content_sha256: z.string().regex(/^[0-9a-f]{64}$/),
  source_task: z.string().optional(),
});

/**
 * Reads and checks an approval file: its header, its action's parameters, and the text block of an action that
 * sends one. Everything the executor acts on comes from this one file (never from the draft it links to).
 */
export async function readApprovalFile(ctx: VaultContext, input: unknown): Promise<ApprovalDoc> {
  const { rel, abs } = await resolveIn(ctx, input);
  const text = parseTaskText(await readFile(abs, 'utf8'));
  const header = ApprovalHeader.safeParse(text.data);
  if (!header.success) {
    const issue = header.error.issues[0];
    throw invalidInput(
      `"${rel}" is not a valid approval request (${issue?.path.join('.') || 'frontmatter'}: ${issue?.message}).`,
    );
  }
  const action = header.data.action;
  const params = paramsFromFrontmatter(action, text.data);
  const parsedParams = APPROVAL_ACTIONS[action].params.safeParse(params);
  if (!parsedParams.success) {
    const issue = parsedParams.error.issues[0];
    throw invalidInput(`"${rel}" has invalid ${action} parameters (${issue?.path.join('.')}: ${issue?.message}).`);
  }
  let sendText = '';
  if (APPROVAL_ACTIONS[action].sendsText) {
    const block = extractApprovalText(text.body);
    if ('problem' in block)
      throw invalidInput(`"${rel}" cannot be executed: ${block.problem}. Reject it and request a fresh approval.`);
    sendText = block.text;
  }
  return {
    rel,
    abs,
    text,
    id: header.data.id,
    action,
    params,
    created: header.data.created,
    expires: header.data.expires,
    contentSha256: header.data.content_sha256,
    sourceTask: header.data.source_task,
    sendText,
  };
}
