import assert from 'node:assert/strict';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { mergeDashboard } from '../../src/core/dashboard/merge.js';
import { beginMarker, endMarker } from '../../src/core/dashboard/sections.js';
import { AppError } from '../../src/core/errors.js';
import { newTaskText } from '../../src/core/vault/frontmatter.js';
import { DASHBOARD_TEMPLATE } from '../../src/core/vault/skeleton.js';
import { openTestVault, tempVaultDir } from '../helpers/vault.js';

const NOW = new Date('2026-11-26T12:00:00.000Z');
const clock = () => NOW;
const STATE = ['- Overall (this machine): **OK**'];

async function localVault(root: string) {
  return openTestVault(root, 'local', { clock });
}

async function writeUpdate(root: string, name: string, fields: Record<string, unknown>, body = 'Details here.') {
  await writeFile(
    path.join(root, 'Updates', name),
    newTaskText(
      { type: 'update', role: 'cloud', source: 'cloud-test', ...fields },
      `# ${String(fields['title'])}\n\n${body}`,
    ),
  );
}

async function writeApproval(root: string, name: string, createdMinutesAgo: number, expires?: string) {
  await writeFile(
    path.join(root, 'Pending_Approval', name),
    newTaskText(
      {
        type: 'approval_request',
        id: name,
        action: 'send_email',
        created: new Date(NOW.getTime() - createdMinutesAgo * 60_000).toISOString(),
        expires: expires ?? new Date(NOW.getTime() + 86_400_000).toISOString(),
        status: 'pending',
      },
      'Approve to send.',
    ),
  );
}

const updatesLeft = async (root: string) =>
  (await readdir(path.join(root, 'Updates'))).filter((n) => n.endsWith('.md'));
const page = (root: string) => readFile(path.join(root, 'Dashboard.md'), 'utf8');
const count = (text: string, needle: string) => text.split(needle).length - 1;

/** The text of the page outside every ai-employee section: what belongs to the human. */
function outsideMarkers(text: string): string {
  return text.replace(/<!-- ai-employee:begin (\w+) -->[\s\S]*?<!-- ai-employee:end \1 -->/g, '<section>');
}

async function seedTwoUpdates(root: string) {
  await writeUpdate(root, '20261126T100000Z_cloud_odoo-is-down_aaaaaa.md', {
    level: 'alert',
    title: 'Odoo is down',
    created: '2026-11-26T10:00:00.000Z',
  });
  await writeUpdate(root, '20261126T110000Z_cloud_draft-ready_bbbbbb.md', {
    level: 'info',
    title: 'Draft ready',
    created: '2026-11-26T11:00:00.000Z',
  });
}

describe('dashboard merge', () => {
  it('merges updates into their sections, links pending approvals, and removes the merged files', async () => {
    const root = await tempVaultDir('dash-');
    await seedTwoUpdates(root);
    await writeUpdate(root, '20261126T113000Z_cloud_guard_cccccc.md', {
      level: 'alert',
      title: 'Security guard blocked 1 file',
      created: '2026-11-26T11:30:00.000Z',
    });
    await writeApproval(root, 'EMAIL_SEND_old.md', 180);
    await writeApproval(root, 'EMAIL_SEND_new.md', 5);
    await writeApproval(root, 'EMAIL_SEND_expired.md', 3000, '2026-11-25T00:00:00.000Z');

    const result = await mergeDashboard((await localVault(root)).ctx, { stateLines: STATE });
    assert.equal(result.merged.length, 3);
    assert.equal(result.removed, 3);
    assert.equal(result.written, true);
    assert.deepEqual(await updatesLeft(root), []);

    const text = await page(root);
    assert.match(text, /<!-- ai-employee:begin state -->\n## State\n[\s\S]*Overall \(this machine\): \*\*OK\*\*/);
    // Alerts newest first, as open checkboxes; the info update is not an alert.
    const alerts = text.slice(text.indexOf(beginMarker('alerts')), text.indexOf(endMarker('alerts')));
    assert.ok(alerts.indexOf('Security guard blocked 1 file') < alerts.indexOf('Odoo is down'));
    assert.match(alerts, /- \[ \] 2026-11-26 10:00 UTC · \*\*Odoo is down\*\* · cloud \(cloud-test\): Details here\./);
    assert.doesNotMatch(alerts, /Draft ready/);
    const updates = text.slice(text.indexOf(beginMarker('updates')), text.indexOf(endMarker('updates')));
    assert.match(updates, /- 2026-11-26 11:00 UTC · \*\*Draft ready\*\*/);
    // Approvals as Obsidian links, oldest first, the expired one flagged.
    const approvals = text.slice(text.indexOf(beginMarker('approvals')), text.indexOf(endMarker('approvals')));
    const order = ['EMAIL_SEND_expired', 'EMAIL_SEND_old', 'EMAIL_SEND_new'].map((n) =>
      approvals.indexOf(`[[Pending_Approval/${n}]]`),
    );
    assert.ok(order.every((i) => i >= 0) && order[0]! < order[1]! && order[1]! < order[2]!, approvals);
    assert.match(approvals, /\[\[Pending_Approval\/EMAIL_SEND_old\]\] · send_email · 3 h/);
    assert.match(approvals, /EMAIL_SEND_expired\]\] · send_email · 2 d · \*\*expired\*\*/);
    assert.doesNotMatch(approvals, /EMAIL_SEND_new\]\][^\n]*expired/);
  });

  it("keeps a human's notes outside the markers byte for byte (CRLF and all)", async () => {
    const root = await tempVaultDir('dash-');
    const vault = await localVault(root);
    await mergeDashboard(vault.ctx, { stateLines: STATE });
    const generated = await page(root);
    // The owner writes above, between and below our sections, with Windows line endings in places.
    const edited =
      '# My dashboard\r\n\r\nCall Anna on Monday.  \r\n' +
      generated
        .replace(beginMarker('alerts'), `> [!note] my own callout\n>  keep  these  spaces\n\n${beginMarker('alerts')}`)
        .replace(/\n$/, '\n\n## My links\n- [[Company_Handbook]]\n\ttabbed line\n');
    await writeFile(path.join(root, 'Dashboard.md'), edited);
    await seedTwoUpdates(root);

    await mergeDashboard(vault.ctx, { stateLines: ['- something new'] });
    const after = await page(root);
    assert.equal(outsideMarkers(after), outsideMarkers(edited));
    assert.match(after, /Odoo is down/);
    assert.match(after, /something new/);
  });

  it('is idempotent: a second run with nothing new does not write the page', async () => {
    const root = await tempVaultDir('dash-');
    await seedTwoUpdates(root);
    await writeApproval(root, 'EMAIL_SEND_a.md', 30);
    let now = NOW;
    const vault = await openTestVault(root, 'local', { clock: () => now });
    await mergeDashboard(vault.ctx, { stateLines: STATE });
    const first = await page(root);
    now = new Date(NOW.getTime() + 60_000); // a minute later: only the "Updated" time would differ
    const again = await mergeDashboard(vault.ctx, { stateLines: STATE });
    assert.deepEqual(again, { merged: [], removed: 0, written: false });
    assert.equal(await page(root), first);
  });

  it('a crash between writing the page and removing the files loses nothing and repeats nothing', async () => {
    const root = await tempVaultDir('dash-');
    await seedTwoUpdates(root);
    const aside = path.join(root, '..', `${path.basename(root)}-aside`);
    await mkdir(aside);
    const names = await updatesLeft(root);
    for (const n of names) await copyFile(path.join(root, 'Updates', n), path.join(aside, n));
    const vault = await localVault(root);
    await mergeDashboard(vault.ctx, { stateLines: STATE });
    // What a crash right after the page's durable write leaves: the page says merged, the files are still there.
    for (const n of names) await copyFile(path.join(aside, n), path.join(root, 'Updates', n));
    // And a new update arrives meanwhile.
    await writeUpdate(root, '20261126T115000Z_cloud_later_dddddd.md', {
      level: 'alert',
      title: 'Later alert',
      created: '2026-11-26T11:50:00.000Z',
    });

    const result = await mergeDashboard(vault.ctx, { stateLines: STATE });
    assert.deepEqual(result.merged, ['20261126T115000Z_cloud_later_dddddd.md']);
    assert.equal(result.removed, 3);
    assert.deepEqual(await updatesLeft(root), []);
    const text = await page(root);
    assert.equal(count(text, '**Odoo is down**'), 1);
    assert.equal(count(text, '**Draft ready**'), 1);
    assert.equal(count(text, '**Later alert**'), 1);
    await rm(aside, { recursive: true, force: true });
  });

  it('drops alerts the owner ticked or deleted, keeps the open ones', async () => {
    const root = await tempVaultDir('dash-');
    const vault = await localVault(root);
    await seedTwoUpdates(root);
    await writeUpdate(root, '20261126T100500Z_cloud_second_eeeeee.md', {
      level: 'alert',
      title: 'Second alert',
      created: '2026-11-26T10:05:00.000Z',
    });
    await mergeDashboard(vault.ctx, { stateLines: STATE });
    const ticked = (await page(root)).replace(
      '- [ ] 2026-11-26 10:00 UTC · **Odoo is down**',
      '- [x] 2026-11-26 10:00 UTC · **Odoo is down**',
    );
    await writeFile(path.join(root, 'Dashboard.md'), ticked);
    await mergeDashboard(vault.ctx, { stateLines: ['- changed'] });
    const text = await page(root);
    assert.doesNotMatch(text, /Odoo is down/);
    assert.match(text, /- \[ \] [^\n]*\*\*Second alert\*\*/);
  });

  it('an update cannot break out of its section, and an unreadable one is still shown', async () => {
    const root = await tempVaultDir('dash-');
    await writeUpdate(root, '20261126T100000Z_cloud_evil_ffffff.md', {
      level: 'alert',
      title: `Hi ${endMarker('alerts')}\n${beginMarker('state')} [x]`,
      created: '2026-11-26T10:00:00.000Z',
    });
    await writeFile(path.join(root, 'Updates', 'garbage.md'), 'no frontmatter at all');
    await mergeDashboard((await localVault(root)).ctx, { stateLines: STATE });
    const text = await page(root);
    assert.equal(count(text, endMarker('alerts')), 1);
    assert.equal(count(text, beginMarker('state')), 1);
    assert.match(text, /- \[ \] [^\n]*\*\*Unreadable update garbage\.md\*\*[^\n]*no frontmatter at all/);
    // And the next merge still parses the page.
    await mergeDashboard((await localVault(root)).ctx, { stateLines: STATE });
  });

  it("refuses cloud: Dashboard.md has one writer, and cloud's updates stay where they are", async () => {
    const root = await tempVaultDir('dash-');
    await seedTwoUpdates(root);
    const cloud = await openTestVault(root, 'cloud', { clock });
    await assert.rejects(
      mergeDashboard(cloud.ctx, { stateLines: STATE }),
      (err: unknown) =>
        err instanceof AppError && err.code === 'policy_denied' && /local machine only/.test(err.message),
    );
    assert.equal(await page(root), DASHBOARD_TEMPLATE);
    assert.equal((await updatesLeft(root)).length, 2);
  });

  it('stops on broken markers without writing or removing anything', async () => {
    const root = await tempVaultDir('dash-');
    const vault = await localVault(root);
    await mergeDashboard(vault.ctx, { stateLines: STATE });
    const broken = (await page(root)).replace(endMarker('alerts'), 'oops');
    await writeFile(path.join(root, 'Dashboard.md'), broken);
    await seedTwoUpdates(root);
    await assert.rejects(
      mergeDashboard(vault.ctx, { stateLines: STATE }),
      (err: unknown) =>
        err instanceof AppError && err.code === 'invalid_input' && /ai-employee:end alerts/.test(err.message),
    );
    assert.equal(await page(root), broken);
    assert.equal((await updatesLeft(root)).length, 2);
  });

  it('replaces an untouched first-generation page whole, and appends sections to an edited one', async () => {
    const root = await tempVaultDir('dash-');
    assert.equal(await page(root), DASHBOARD_TEMPLATE);
    await mergeDashboard((await localVault(root)).ctx, { stateLines: STATE });
    const fresh = await page(root);
    assert.doesNotMatch(fresh, /_No updates merged yet\._/);
    assert.equal(count(fresh, '## State'), 1);

    const other = await tempVaultDir('dash-');
    const mine = `${DASHBOARD_TEMPLATE}\nMy own line.\n`;
    await writeFile(path.join(other, 'Dashboard.md'), mine);
    await mergeDashboard((await localVault(other)).ctx, { stateLines: STATE });
    const appended = await page(other);
    assert.ok(appended.startsWith(mine), 'the human page is kept as it was, sections follow');
    assert.match(appended, /<!-- ai-employee:begin merged -->/);
  });
});
