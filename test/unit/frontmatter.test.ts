import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newTaskText, parseTaskText, renderTaskText, setFields } from '../../src/core/vault/frontmatter.js';
import { validateTask } from '../../src/core/vault/schemas.js';

const HUMAN_EDITED = `---
# Owner: check this one first
id: gmail:abc   # from Gmail
type: email
created: 2026-11-26T09:00:00Z
from: a@example.com
subject: "Quote: 12 chairs"
my_note: call back on Monday
---
Body with --- inside, kept as is.
`;

test('rewriting frontmatter keeps comments, key order and unknown keys', () => {
  const task = parseTaskText(HUMAN_EDITED);
  setFields(task, { status: 'in_progress', claimed_by: 'cloud:test', subject: 'Quote: 12 chairs' });
  const out = renderTaskText(task);
  // Byte for byte: the keys nobody set keep their spacing, quoting and comments.
  assert.match(out, /^---\n# Owner: check this one first\nid: gmail:abc {3}# from Gmail\ntype: email\n/);
  assert.match(out, /^subject: "Quote: 12 chairs"$/m);
  assert.ok(out.indexOf('my_note') < out.indexOf('status: in_progress'), 'new keys go after existing ones');
  assert.match(out, /Body with --- inside, kept as is\.\n$/);
  assert.deepEqual(parseTaskText(out).data['my_note'], 'call back on Monday');
});

test('dates stay strings; deleting a field removes only it', () => {
  const task = parseTaskText(HUMAN_EDITED);
  assert.equal(typeof task.data['created'], 'string');
  setFields(task, { my_note: undefined });
  assert.equal(task.data['my_note'], undefined);
  assert.match(renderTaskText(task), /# Owner/);
});

test('bad files are refused with a reason that says what to fix', () => {
  assert.throws(() => parseTaskText('no frontmatter'), /must start with a "---" line/);
  assert.throws(() => parseTaskText('---\nid: [unclosed\n---\n'), /not valid YAML/);
  assert.throws(() => parseTaskText('---\n- a\n- b\n---\n'), /mapping/);
  assert.throws(() => parseTaskText('---\nid: 1\nid: 2\n---\n'), /not valid YAML/);
  assert.throws(() => validateTask({ id: 'x', type: 'fax', created: '2026-11-26T09:00:00Z' }), /one of: email/);
  assert.throws(() => validateTask({ id: 'x', type: 'email', created: '2026-11-26T09:00:00Z', subject: 's' }), /from/);
  assert.throws(
    () => validateTask({ id: 'x', type: 'email', created: 'Monday', from: 'a', subject: 's' }),
    /created.*ISO 8601/,
  );
});

test('newTaskText round-trips and skips undefined fields', () => {
  const text = newTaskText({ id: 'x', type: 'task', created: '2026-11-26T09:00:00Z', title: undefined }, 'Hello');
  const parsed = parseTaskText(text);
  assert.deepEqual(parsed.data, { id: 'x', type: 'task', created: '2026-11-26T09:00:00Z' });
  assert.equal(parsed.body, 'Hello\n');
  validateTask(parsed.data);
});
