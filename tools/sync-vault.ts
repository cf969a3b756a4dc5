import { z } from 'zod';
import { AppError } from '../src/core/errors.js';
import { defineTool } from './define.js';

export default defineTool({
  name: 'sync_vault',
  title: 'Sync the vault',
  description:
    "Brings this machine's vault in step with the shared git remote now: runs the security guard, commits this machine's changes, takes the other machine's (except what this role refuses), pushes. Returns what happened; a failure says what to do.",
  requires: ['vault.sync'],
  needs: ['sync'],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  input: {},
  output: {
    status: z.enum(['ok', 'blocked', 'failed', 'busy']),
    committed: z.number(),
    received: z.number(),
    pushed: z.boolean(),
    refused: z.array(
      z.object({ commit: z.string(), author: z.string(), subject: z.string(), paths: z.array(z.string()) }),
    ),
    conflicts: z.array(z.string()),
    lostClaims: z.array(z.object({ task: z.string(), dropped: z.array(z.string()) })),
    message: z.string(),
    head: z.string().optional(),
  },
  async run(_args, { sync }) {
    // `needs: ['sync']` keeps the tool unlisted without it; this guards a direct call all the same.
    if (!sync)
      throw new AppError('invalid_input', 'This vault has no git sync; set VAULT_REMOTE and restart the server.');
    return sync.syncOnce();
  },
});
