import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { replyPlanFor } from '../../core/actions/reply-plan.js';
import { toAppError } from '../../core/errors.js';
import type { Vault } from '../../core/vault/vault.js';
import type { Drafter } from './drafting.js';

/** The task types the draft worker answers; the Odoo worker takes `odoo_draft_invoice`. */
export const DRAFTED_TYPES = [
  'email',
  'tweet',
  'facebook_comment',
  'facebook_message',
  'instagram_comment',
  'file_drop',
] as const;

export interface DraftWorkerReport {
  drafted: number;
  noted: number;
  released: number;
  failed: number;
}

/** Backoff after a failed draft: 1, 2, 4 ... minutes, at most an hour. */
export const draftBackoffSeconds = (attempts: number) => Math.min(60 * 2 ** Math.max(0, attempts), 3600);

/**
 * The cloud draft worker (PM2 `cloud-draft-worker`): claims the cloud's watched items, writes a draft and an
 * approval request for the reply, and leaves the task awaiting the owner. A dropped file gets a note for the
 * owner instead (there is nobody to reply to). A failed draft releases the task with backoff; after the
 * attempts limit it goes to Failed/. Each pass also tidies the queue (what cloud does not take goes to
 * Needs_Action/local/, an unreadable file to Failed/) and files the drafts whose task is done.
 */
export async function runDraftWorkerOnce(
  vault: Vault,
  drafter: Drafter,
  options: { limit?: number } = {},
): Promise<DraftWorkerReport> {
  const report: DraftWorkerReport = { drafted: 0, noted: 0, released: 0, failed: 0 };
  // Recovery also files drafts whose task is done (local completes cloud's tasks after the owner approves).
  await vault.recover();
  // Tasks cloud does not take go to local's queue; unreadable files go to Failed/ with the reason.
  await vault.tidyQueue();
  for (let n = 0; n < (options.limit ?? 50); n += 1) {
    const claimed = await claimNext(vault);
    if (!claimed) break;
    const fm = claimed.frontmatter;
    try {
      const taskText = await readFile(path.join(vault.root, ...claimed.path.split('/')), 'utf8');
      const body = await drafter({ taskText, taskPath: claimed.path, vaultPath: vault.root });
      const plan = replyPlanFor(fm);
      if (!plan) {
        const draft = await vault.writeDraft({ task: claimed.path, body, kind: 'note' });
        await vault.postUpdate({
          title: `New file: ${String(fm['file_name'] ?? claimed.path)}`,
          body: `A note is in [[${draft.path}]].`,
        });
        await vault.complete(claimed.path, 'noted for the owner', `Draft note: ${draft.path}`);
        report.noted += 1;
        continue;
      }
      const draft = await vault.writeDraft({ task: claimed.path, body, kind: plan.kind });
      await vault.requestApproval({
        task: claimed.path,
        action: plan.action,
        params: Object.fromEntries(Object.entries(plan.params).filter(([, v]) => v !== undefined)),
        draft: draft.path,
        reason: `Reply to ${String(fm['from'] ?? fm['author'] ?? 'the sender')}`,
      });
      report.drafted += 1;
    } catch (err) {
      const error = toAppError(err);
      if (error.code === 'invalid_input') {
        await vault.fail(claimed.path, `Cannot draft a reply: ${error.message}`);
        report.failed += 1;
        continue;
      }
      const result = await vault.release(claimed.path, `Drafting failed: ${error.message}`, {
        retryAfterSeconds: draftBackoffSeconds(claimed.attempts),
      });
      if (result.path.startsWith('Failed/')) report.failed += 1;
      else report.released += 1;
    }
  }
  return report;
}

/** The best waiting task of the drafted types (priority, then oldest), or none. */
async function claimNext(vault: Vault) {
  try {
    return await vault.claim({ type: DRAFTED_TYPES });
  } catch (err) {
    if (toAppError(err).code !== 'not_found') throw err;
    return undefined;
  }
}
