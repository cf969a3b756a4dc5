import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { seedEmailTask, tempVaultDir } from '../helpers/vault.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(repo, 'dist/src/cli.js');

test(
  'the built stdio server answers a real client over a real process',
  { skip: !existsSync(cli) && 'run `npm run build` first (npm test does)' },
  async () => {
    const root = await tempVaultDir();
    await seedEmailTask(root, 1);
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [cli, 'serve', '--vault', root],
      env: { PATH: process.env['PATH'] ?? '', AGENT_ROLE: 'cloud', LOG_LEVEL: 'warn' },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'stdio-test', version: '1.0.0' });
    await client.connect(transport);
    const tools = (await client.listTools()).tools;
    assert.ok(tools.some((t) => t.name === 'claim_task'));
    for (const tool of tools) {
      assert.equal(typeof tool.annotations?.readOnlyHint, 'boolean', `${tool.name} sets readOnlyHint`);
      assert.ok(tool.outputSchema, `${tool.name} has an output schema`);
    }
    const claimed = await client.callTool({ name: 'claim_task', arguments: { path: 'Needs_Action/EMAIL_1.md' } });
    assert.equal(claimed.isError, undefined);
    assert.equal((claimed.structuredContent as { path: string }).path, 'In_Progress/cloud/EMAIL_1.md');
    await client.close();
  },
);

test(
  'serve without a role refuses to start with one line and exit code 1',
  { skip: !existsSync(cli) && 'needs the build' },
  async () => {
    const root = await tempVaultDir();
    const { spawnSync } = await import('node:child_process');
    const run = spawnSync(process.execPath, [cli, 'serve', '--vault', root], {
      env: { PATH: process.env['PATH'] ?? '' },
      encoding: 'utf8',
      input: '',
    });
    assert.equal(run.status, 1);
    assert.equal(run.stdout, '', 'stdout stays clean for MCP');
    assert.equal(run.stderr.trim().split('\n').length, 1);
    assert.match(run.stderr, /AGENT_ROLE is not set/);
  },
);
