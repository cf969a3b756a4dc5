import { z } from 'zod';
import { AppError } from '../src/core/errors.js';
import { defineTool } from './define.js';

const BEAT_SECONDS = 5;

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
  async run(_args, { sync }, { progress }) {
    // `needs: ['sync']` keeps the tool unlisted without it; this guards a direct call all the same.
    if (!sync)
      throw new AppError('invalid_input', 'This vault has no git sync; set VAULT_REMOTE and restart the server.');
    await progress(0, 1, 'Syncing: security guard, commit, fetch, integrate, push');
    // Why a beat while it runs: a sync over a slow remote can take longer than a client waits for an answer, and a
    // client that resets its timeout on progress keeps waiting. Each beat halves the distance to 1, so it rises.
    let beat = 0;
    const timer = setInterval(() => {
      beat += 1;
      void progress(1 - 0.5 ** beat, 1, `Still syncing (${beat * BEAT_SECONDS} s)`);
    }, BEAT_SECONDS * 1000);
    timer.unref();
    try {
      const result = await sync.syncOnce();
      await progress(1, 1, `Sync ${result.status}: ${result.message}`);
      return result;
    } finally {
      clearInterval(timer);
    }
  },
});
