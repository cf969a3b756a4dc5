import assert from 'node:assert/strict';
import { mkdtemp, writeFile, cp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig, requireRole, DRAFT_ONLY_OVERRIDE_VALUE } from '../../src/config.js';
import { loadPolicy, defaultPolicyDir } from '../../src/core/policy/policy.js';

test('shipped policies load and deny by default', async () => {
  const cloud = await loadPolicy('cloud', { draftOnly: true });
  assert.equal(cloud.has('vault.read'), true);
  assert.equal(cloud.has('mail.send'), false);
  assert.equal(cloud.canWrite('Approved/x.md'), false);
  assert.equal(cloud.canWrite('Dashboard.md'), false);
  assert.equal(cloud.canWrite('Pending_Approval/x.md'), true);
  assert.equal(cloud.canCallOdoo('account.move', 'action_post'), false);
  assert.equal(cloud.canCallOdoo('account.move', 'create'), true);
  assert.equal(cloud.canClaim('email', 'Needs_Action'), true);
  assert.equal(cloud.canClaim('email', 'Needs_Action/local'), false);
  const local = await loadPolicy('local', { draftOnly: false });
  assert.equal(local.has('mail.send'), true);
  assert.equal(local.canWrite('Approved/x.md'), true);
  assert.equal(local.acceptsFromPeer('Approved/x.md'), false);
  assert.equal(local.acceptsFromPeer('Pending_Approval/x.md'), true);
});

test('draft-only removes live actions whatever the policy grants', async () => {
  const local = await loadPolicy('local', { draftOnly: true });
  assert.equal(local.has('mail.send'), false);
  assert.throws(() => local.require('odoo.post_invoice', 'Posting'), /draft-only/);
});

test('an unknown key or capability in a policy file stops the start with the file named', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'policy-'));
  await cp(defaultPolicyDir(), dir, { recursive: true });
  const file = path.join(dir, 'cloud.json');
  const good = JSON.parse(await (await import('node:fs/promises')).readFile(file, 'utf8'));
  await writeFile(file, JSON.stringify({ ...good, capabilities: ['vault.read', 'vault.teleport'] }));
  await assert.rejects(loadPolicy('cloud', { dir, draftOnly: true }), /cloud\.json is invalid at capabilities/);
  await writeFile(file, JSON.stringify({ ...good, surprise: true }));
  await assert.rejects(loadPolicy('cloud', { dir, draftOnly: true }), /Unrecognized key/);
  await writeFile(file, '{ not json');
  await assert.rejects(loadPolicy('cloud', { dir, draftOnly: true }), /not valid JSON/);
});

test('role: none or unknown refuses with one line; cloud draft-only needs two settings to switch off', () => {
  assert.throws(() => requireRole(loadConfig({})), /AGENT_ROLE is not set/);
  assert.throws(() => loadConfig({ AGENT_ROLE: 'admin' }), /not a role/);
  assert.equal(loadConfig({ AGENT_ROLE: 'cloud' }).draftOnly, true);
  assert.equal(loadConfig({ AGENT_ROLE: 'cloud', CLOUD_DRAFT_ONLY: 'true' }).draftOnly, true);
  assert.throws(() => loadConfig({ AGENT_ROLE: 'cloud', CLOUD_DRAFT_ONLY: 'false' }), /CLOUD_DRAFT_ONLY_OVERRIDE/);
  assert.equal(
    loadConfig({ AGENT_ROLE: 'cloud', CLOUD_DRAFT_ONLY: 'false', CLOUD_DRAFT_ONLY_OVERRIDE: DRAFT_ONLY_OVERRIDE_VALUE })
      .draftOnly,
    false,
  );
  assert.equal(loadConfig({ AGENT_ROLE: 'local' }).draftOnly, false);
});
