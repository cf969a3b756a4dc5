import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { seedEmailTask, tempVaultDir } from '../helpers/vault.js';

/**
 * The owner's laptop: a checkout in a folder whose name has spaces, a dash and accents (issue 16). Every module
 * path must go through fileURLToPath: a URL's pathname is percent-encoded (`Mi%20Empresa`), so a path built from
 * it names a folder that does not exist. The built package is copied (not linked: Node resolves a symlinked
 * entry point to its real path, which would hide the bug) and run from there.
 */
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const built = path.join(repo, 'dist/src/cli.js');
const run = promisify(execFile);

describe(
  'a checkout whose path has spaces and non-ASCII letters',
  { skip: !existsSync(built) && 'run `npm run build` first (npm test does)' },
  () => {
    let base: string;
    let checkout: string;
    let cli: string;

    before(async () => {
      base = await mkdtemp(path.join(os.tmpdir(), 'odd-path-'));
      checkout = path.join(base, 'Mi Empresa — Büro', 'ai-employee');
      await mkdir(checkout, { recursive: true });
      for (const part of ['dist', 'policies', 'package.json'])
        await cp(path.join(repo, part), path.join(checkout, part), { recursive: true });
      // Dependencies are found through the link; only our own modules must live under the odd path.
      await symlink(path.join(repo, 'node_modules'), path.join(checkout, 'node_modules'), 'dir');
      cli = path.join(checkout, 'dist/src/cli.js');
    });
    after(async () => {
      await rm(base, { recursive: true, force: true });
    });

    it('role commands find their policy file (status as cloud, recover as local)', async () => {
      const root = await tempVaultDir('odd-path-vault-');
      for (const [role, args] of [
        ['cloud', ['status', '--json']],
        ['local', ['recover']],
      ] as const) {
        const { stdout, stderr } = await run(process.execPath, [cli, ...args], {
          env: { PATH: process.env['PATH'] ?? '', AGENT_ROLE: role, VAULT_PATH: root, HOME: base, LOG_LEVEL: 'warn' },
          timeout: 60_000,
        });
        assert.doesNotMatch(`${stdout}${stderr}`, /Policy file .* cannot be read/);
      }
    });

    it('the stdio server answers a real MCP client and claims a task', async () => {
      const root = await tempVaultDir('odd-path-vault-');
      await seedEmailTask(root, 1);
      const transport = new StdioClientTransport({
        command: process.execPath,
        args: [cli, 'serve', '--vault', root],
        env: { PATH: process.env['PATH'] ?? '', AGENT_ROLE: 'cloud', LOG_LEVEL: 'warn', HOME: base },
        stderr: 'pipe',
      });
      const client = new Client({ name: 'odd-path-test', version: '1.0.0' });
      await client.connect(transport);
      try {
        assert.ok((await client.listTools()).tools.some((t) => t.name === 'claim_task'));
        const claimed = await client.callTool({ name: 'claim_task', arguments: { path: 'Needs_Action/EMAIL_1.md' } });
        assert.equal(claimed.isError, undefined, JSON.stringify(claimed.content));
      } finally {
        await client.close();
      }
    });

    it(
      'npm start --auto-approve runs the whole flow with its sandbox under the same folder',
      { timeout: 240_000 },
      async () => {
        const sandbox = path.join(checkout, 'Sandbox mit Ümlaut');
        const { stdout } = await run(
          process.execPath,
          [cli, 'up', '--auto-approve', '--dir', sandbox, '--timeout', '150'],
          {
            env: { PATH: process.env['PATH'] ?? '', HOME: base },
            timeout: 200_000,
          },
        );
        assert.match(stdout, /The Platinum flow is complete\./);
        const done = await readdir(path.join(sandbox, 'local', 'AI_Employee_Vault', 'Done'));
        assert.ok(
          done.some((n) => n.startsWith('DRAFT_EMAIL_')),
          done.join(', '),
        );
      },
    );
  },
);
