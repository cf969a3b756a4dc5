import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { PROCESS_VAULT_TASK } from '../../src/mcp/prompts.js';
import { connectInProcess } from '../helpers/mcp-client.js';
import { tempVaultDir } from '../helpers/vault.js';

describe('MCP prompt process_vault_task', () => {
  for (const role of ['cloud', 'local'] as const) {
    it(`is listed for ${role} and returns the steps, naming our tools and the never-send rule`, async () => {
      const conn = await connectInProcess(await tempVaultDir('prompt-'), role);
      try {
        const { prompts } = await conn.client.listPrompts();
        const prompt = prompts.find((p) => p.name === PROCESS_VAULT_TASK);
        assert.ok(prompt, 'the prompt is listed');
        assert.deepEqual(
          prompt.arguments?.map((a) => [a.name, a.required ?? false]),
          [['path', false]],
        );

        const result = await conn.client.getPrompt({ name: PROCESS_VAULT_TASK, arguments: {} });
        const first = result.messages[0];
        assert.ok(first && first.role === 'user' && first.content.type === 'text');
        const text = first.content.text;
        for (const needle of [
          'Company_Handbook.md',
          'list_tasks',
          'claim_task',
          'read_task',
          'write_draft',
          'request_approval',
          'release_task',
          'fail_task',
          'Never send, post or pay yourself',
        ])
          assert.ok(text.includes(needle), `the instructions mention ${needle}`);
        assert.match(text, new RegExp(`as the \\*\\*${role}\\*\\* role${role === 'cloud' ? ' \\(draft-only\\)' : ''}`));
        // Every tool the steps name is one the role's server actually offers.
        const { tools } = await conn.client.listTools();
        for (const tool of [
          'list_tasks',
          'claim_task',
          'read_task',
          'write_draft',
          'request_approval',
          'release_task',
          'fail_task',
        ])
          assert.ok(
            tools.some((t) => t.name === tool),
            `${tool} is a tool of the ${role} server`,
          );
      } finally {
        await conn.close();
      }
    });
  }

  it('works on the task it is given', async () => {
    const conn = await connectInProcess(await tempVaultDir('prompt-'), 'cloud');
    try {
      const result = await conn.client.getPrompt({
        name: PROCESS_VAULT_TASK,
        arguments: { path: 'Needs_Action/EMAIL_42.md' },
      });
      const first = result.messages[0];
      assert.ok(first && first.content.type === 'text');
      assert.match(first.content.text, /claim_task` \{"path": "Needs_Action\/EMAIL_42\.md"\}/);
    } finally {
      await conn.close();
    }
  });
});

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Claude Code's expansion of `${VAR}` and `${VAR:-default}` in .mcp.json. */
const expand = (value: string, env: Record<string, string | undefined>) =>
  value.replace(/\$\{(\w+)(?::-([^}]*))?\}/g, (_, name: string, dflt?: string) => env[name] || (dflt ?? ''));

describe('.mcp.json', () => {
  it('starts the server from a clone (no build) as Claude Code would, with the prompt listed', async () => {
    const config = JSON.parse(await readFile(path.join(repo, '.mcp.json'), 'utf8')) as {
      mcpServers: Record<string, { command: string; args: string[]; env: Record<string, string> }>;
    };
    const server = config.mcpServers['ai-employee'];
    assert.ok(server, 'the ai-employee server is configured');
    const root = await tempVaultDir('mcp-json-');
    const userEnv = { VAULT_PATH: root, AI_EMPLOYEE_STATE_DIR: path.join(os.tmpdir(), `${path.basename(root)}-state`) };
    const env = Object.fromEntries(Object.entries(server.env).map(([k, v]) => [k, expand(v, userEnv)]));
    assert.equal(env['AGENT_ROLE'], 'cloud', 'the safe role by default');
    const transport = new StdioClientTransport({
      command: server.command === 'node' ? process.execPath : server.command,
      args: server.args.map((a) => expand(a, userEnv)),
      cwd: repo, // Claude Code starts project servers in the project folder
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'mcp-json-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      const { prompts } = await client.listPrompts();
      assert.ok(prompts.some((p) => p.name === PROCESS_VAULT_TASK));
      const { tools } = await client.listTools();
      assert.ok(tools.some((t) => t.name === 'claim_task'));
      assert.ok(!tools.some((t) => t.name === 'odoo_post_invoice'), 'cloud never gets a posting tool');
    } finally {
      await client.close();
    }
  });
});
