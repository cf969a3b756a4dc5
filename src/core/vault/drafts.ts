import { conflict, invalidInput } from '../errors.js';
import { absOf, stemOf, type VaultContext } from './context.js';
import { replaceFileDurable } from './durable.js';
import { newTaskText } from './frontmatter.js';
import { roleQueueFolder } from './layout.js';
import { loadClaimed } from './transitions.js';

export interface DraftResult {
  path: string;
  task: string;
  kind: string;
}

/** Keys the draft file owns; `meta` may add others but never replace these. */
const RESERVED = new Set(['id', 'type', 'task', 'task_id', 'kind', 'created', 'created_by']);

/**
 * Writes `Needs_Action/<role>/DRAFT_<task>.md` for a task this role has claimed. Drafting again replaces the
 * draft, until an approval is requested: the request copies the draft's text into itself, and from then on the
 * task waits for the owner and a new draft is refused.
 */
export async function writeDraft(
  ctx: VaultContext,
  args: { task: string; body: string; kind?: string; meta?: Record<string, string | number | boolean> },
): Promise<DraftResult> {
  ctx.policy.require('vault.draft', 'Writing a draft');
  if (args.body.trim() === '') throw invalidInput('The draft body is empty; write the text of the reply or document.');
  const claimed = await loadClaimed(ctx, args.task);
  const approval = claimed.task.data['approval'];
  // Why refuse: the request already carries its text, which is what the owner reads and what is sent; a new
  // draft could not change it, and a draft that says otherwise than the request only misleads.
  if (claimed.task.data['status'] === 'awaiting_approval')
    throw conflict(
      `${claimed.rel} already has an approval request (${typeof approval === 'string' ? approval : 'in Pending_Approval/'}) waiting for the owner; a new draft cannot change it. Wait for the decision.`,
      { approval },
    );
  const kind = args.kind ?? 'reply';
  const clash = Object.keys(args.meta ?? {}).filter((k) => RESERVED.has(k));
  if (clash.length > 0)
    throw invalidInput(`meta may not set ${clash.join(', ')}; those fields are written by the vault.`);
  const rel = `${roleQueueFolder(ctx.role)}/DRAFT_${stemOf(claimed.rel)}.md`;
  ctx.policy.requireWritable(rel, 'Writing a draft');
  const text = newTaskText(
    {
      id: `draft:${String(claimed.task.data['id'] ?? stemOf(claimed.rel))}`,
      type: 'draft',
      task: claimed.rel,
      task_id: claimed.task.data['id'],
      kind,
      created: ctx.clock().toISOString(),
      created_by: ctx.actor,
      ...args.meta,
    },
    args.body,
  );
  await replaceFileDurable(await absOf(ctx, rel), text);
  await ctx.audit.record({
    action_type: 'draft.write',
    target: rel,
    parameters: { task: claimed.rel, kind, chars: args.body.length },
    result: 'ok',
  });
  return { path: rel, task: claimed.rel, kind };
}
