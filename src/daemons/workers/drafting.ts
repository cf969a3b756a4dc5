import { spawn } from 'node:child_process';
import { AppError } from '../../core/errors.js';

export interface DraftRequest {
  /** The task file as it is (frontmatter and body). */
  taskText: string;
  taskPath: string;
  vaultPath: string;
}

export type Drafter = (request: DraftRequest) => Promise<string>;

const MAX_OUTPUT = 200_000;

/**
 * A drafter that runs the configured command (DRAFT_COMMAND, e.g. an AI agent's command line given our MCP
 * server) through `sh -c`, with the task on stdin and TASK_PATH / VAULT_PATH in its environment; its stdout is
 * the draft. It is killed (its whole process group) after the timeout.
 */
export function commandDrafter(command: string, timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Drafter {
  return (request) =>
    new Promise((resolve, reject) => {
      const child = spawn('sh', ['-c', command], {
        env: { ...env, TASK_PATH: request.taskPath, VAULT_PATH: request.vaultPath },
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true, // its own process group, so a timeout kills what it started too
      });
      let out = '';
      let err = '';
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
        reject(
          new AppError('timeout', `The drafting command did not finish within ${Math.round(timeoutMs / 1000)} s.`),
        );
      }, timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => {
        if (out.length < MAX_OUTPUT) out += chunk.toString('utf8');
      });
      child.stderr.on('data', (chunk: Buffer) => {
        if (err.length < 2000) err += chunk.toString('utf8');
      });
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new AppError('upstream', `The drafting command could not start: ${e.message}.`));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code !== 0)
          return reject(
            new AppError('upstream', `The drafting command exited with ${code}: ${err.trim().split('\n').pop() ?? ''}`),
          );
        if (out.trim() === '') return reject(new AppError('upstream', 'The drafting command printed no draft.'));
        resolve(out.slice(0, MAX_OUTPUT).trim());
      });
      child.stdin.on('error', () => undefined); // a command that does not read stdin
      child.stdin.end(request.taskText);
    });
}

/**
 * Without a drafting command: a template that says plainly it is one, and quotes the message, so the owner
 * never mistakes it for a considered answer.
 */
export function templateDrafter(): Drafter {
  return async ({ taskText }) => {
    const body = taskText.replace(/^---[\s\S]*?\n---\n?/, '').trim();
    const quoted = body
      .split('\n')
      .slice(0, 40)
      .map((line) => `> ${line}`)
      .join('\n');
    return [
      '**TEMPLATE — not written by an AI.** No drafting command is configured (set DRAFT_COMMAND); edit this text',
      'before you approve, or reject the request.',
      '',
      'Hello,',
      '',
      'Thank you for your message. We have received it and will get back to you shortly.',
      '',
      'Best regards',
      '',
      '---',
      'Your message:',
      '',
      quoted,
    ].join('\n');
  };
}
