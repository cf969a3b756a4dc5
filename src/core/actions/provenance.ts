import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The git author name cloud's sync commits under (see the sync issue); Local refuses what it authored. */
export const CLOUD_GIT_AUTHOR = 'ai-employee-cloud';

/**
 * True unless git shows that a commit by cloud created or changed this path. Why: an approval must arrive
 * in Approved/ on this machine (the owner's move), never through a pull from cloud (DESIGN §3, §6). The sync
 * refuses such pulls in the first place; this is the executor's own second check. A vault that is not a git
 * work tree (tests, a fresh laptop) has no pulls, so nothing can have arrived that way.
 */
export async function arrivedLocally(vaultRoot: string, rel: string): Promise<boolean> {
  try {
    const { stdout } = await run('git', ['-C', vaultRoot, 'log', '--format=%an', '--', rel], { timeout: 10_000 });
    return !stdout.split('\n').some((author) => author.trim() === CLOUD_GIT_AUTHOR);
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? '');
    if (/not a git repository/i.test(stderr)) return true;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true; // git is not installed: no pulls either
    throw err;
  }
}
