import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Vault } from '../../src/core/vault/vault.js';
import { parseTaskText } from '../../src/core/vault/frontmatter.js';

/** Cloud's honest work on one task: claim it, draft a reply, ask for approval. Returns the approval path. */
export async function cloudDraftsAndAsks(vault: Vault, queueRel: string): Promise<string> {
  const claimed = await vault.claim({ path: queueRel });
  const draft = await vault.writeDraft({ task: claimed.path, body: `Dear customer, thanks for ${claimed.path}.` });
  const approval = await vault.requestApproval({
    task: claimed.path,
    action: 'send_email',
    params: { to: 'customer@example.com', subject: 'Re: your question' },
    draft: draft.path,
  });
  return approval.path;
}

/** Every markdown file under `root` (work tree), vault-relative, skipping .git. */
export async function vaultFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await readdir(path.join(root, rel), { withFileTypes: true })) {
      if (entry.name === '.git') continue;
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(child);
      else if (entry.name.endsWith('.md')) out.push(child);
    }
  };
  await walk('');
  return out.sort();
}

export async function frontmatterOf(root: string, rel: string): Promise<Record<string, unknown>> {
  try {
    return parseTaskText(await readFile(path.join(root, rel), 'utf8')).data;
  } catch {
    return {};
  }
}
