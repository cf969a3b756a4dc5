import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { initVault } from '../../src/core/vault/init.js';

const run = promisify(execFile);

export function gitEnv(name: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: name,
    GIT_AUTHOR_EMAIL: `${name}@bench.invalid`,
    GIT_COMMITTER_NAME: name,
    GIT_COMMITTER_EMAIL: `${name}@bench.invalid`,
  };
}

export async function git(cwd: string, args: string[], name = 'ai-employee-cloud'): Promise<string> {
  const { stdout } = await run('git', args, { cwd, env: gitEnv(name), maxBuffer: 512 * 1024 * 1024 });
  return stdout;
}

const doneFile = (i: number, round = 0) =>
  `---\nid: bench:${i}\ntype: email\ncreated: 2026-01-01T00:00:00Z\nstatus: done\nfrom: a@example.com\nsubject: Task ${i}\nround: ${round}\n---\n\nFinished task ${i}.\n`;

/** A template remote: the vault skeleton plus `files` finished tasks in Done/, in one commit. */
export async function makeTemplate(dir: string, files: number): Promise<string> {
  const work = path.join(dir, 'template');
  await initVault(work);
  for (let i = 0; i < files; i += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, files - i) }, (_, k) =>
        writeFile(path.join(work, 'Done', `EMAIL_${i + k}.md`), doneFile(i + k)),
      ),
    );
  }
  await git(work, ['init', '-q', '-b', 'main']);
  await git(work, ['add', '-A']);
  await git(work, ['commit', '-q', '-m', 'template']);
  const bare = path.join(dir, 'template.git');
  await git(dir, ['clone', '-q', '--bare', work, bare]);
  return bare;
}

/** A remote copied from the template and two clones of it: the measured side and its peer. */
export async function makeSetup(dir: string, template: string, name: string) {
  const remote = path.join(dir, `${name}.git`);
  await git(dir, ['clone', '-q', '--bare', template, remote]);
  const side = path.join(dir, `${name}-side`);
  const peer = path.join(dir, `${name}-peer`);
  await git(dir, ['clone', '-q', remote, side]);
  await git(dir, ['clone', '-q', remote, peer]);
  await mkdir(path.join(side, 'Needs_Action', 'local'), { recursive: true });
  return { remote, side, peer };
}

/** Rewrites `count` Done/ files starting at `from` (and adds `added` new ones): the changes of one round. */
export async function changeFiles(
  root: string,
  from: number,
  count: number,
  round: number,
  added = 0,
): Promise<string[]> {
  const paths: string[] = [];
  for (let i = from; i < from + count; i++) {
    const rel = `Done/EMAIL_${i}.md`;
    await writeFile(path.join(root, rel), doneFile(i, round));
    paths.push(rel);
  }
  for (let k = 0; k < added; k++) {
    const rel = `Done/NEW_${round}_${k}.md`;
    await writeFile(path.join(root, rel), doneFile(1_000_000 + round * 1000 + k, round));
    paths.push(rel);
  }
  return paths;
}

/** The peer pushes `count` changed files (not measured): the incoming work of the next sync. */
export async function peerPushes(peer: string, from: number, count: number, round: number): Promise<void> {
  await git(peer, ['pull', '-q', '--rebase', 'origin', 'main'], 'ai-employee-cloud');
  const paths = await changeFiles(peer, from, count, round);
  await git(peer, ['add', '--', ...paths], 'ai-employee-cloud');
  await git(peer, ['commit', '-q', '-m', `peer round ${round}`], 'ai-employee-cloud');
  await git(peer, ['push', '-q', 'origin', 'HEAD:main'], 'ai-employee-cloud');
}
