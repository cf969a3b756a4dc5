import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
