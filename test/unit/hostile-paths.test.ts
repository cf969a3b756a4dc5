import assert from 'node:assert/strict';
import {
  link,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { connectInProcess, STACK_FRAME, textOf, type InProcessConnection } from '../helpers/mcp-client.js';
import { seedEmailTask, tempVaultDir } from '../helpers/vault.js';

/**
 * Every tool argument that names a vault path, and the `vault://{+path}` resource, called through a real MCP
 * client with hostile paths. Each must come back as an error with a code and a reason a model can act on,
 * never a stack trace, and nothing outside the vault may be read, written or moved.
 */

const SECRET_MARKER = 'OUTSIDE-SECRET-7f3a';
const SECRET_TEXT = `---\nid: ${SECRET_MARKER}\ntype: email\nstatus: new\n---\n${SECRET_MARKER} body\n`;

interface HostileInput {
  label: string;
  path: string;
  /** The reason the message must give. */
  reason: RegExp;
  /**
   * Codes accepted. Most inputs fail the text rules (invalid_input); a few are harmless literal names
   * (`%2e%2e`, look-alike dots) that simply do not exist, or lie in a folder the role may not claim from.
   */
  codes?: readonly string[];
}

const TEXT = ['invalid_input'] as const;
const MISSING = ['not_found', 'policy_denied', 'invalid_input'] as const;
const ABSOLUTE = /absolute/;
const TRAVERSAL = /"\." or "\.\."/;
const HIDDEN = /hidden name/;
const BACKSLASH = /backslash/;
const INVISIBLE = /control or invisible Unicode/;
const SYMLINK = /symbolic link; the vault does not follow links/;
const WINDOWS = /not allowed in vault names/;
const TRAILING = /ends with a space or a dot/;
const ABSENT = /does not exist|does not claim|may not claim|not a task claimed/;

const long300 = `Needs_Action/${'a'.repeat(300)}.md`;

function hostileInputs(vaultRoot: string): HostileInput[] {
  return [
    // Traversal
    { label: 'parent', path: '../x', reason: TRAVERSAL },
    { label: 'bare ..', path: '..', reason: TRAVERSAL },
    { label: 'bare .', path: '.', reason: TRAVERSAL },
    { label: 'into etc', path: 'Needs_Action/../../etc/passwd', reason: TRAVERSAL },
    { label: 'folder then ..', path: 'Needs_Action/..', reason: TRAVERSAL },
    { label: 'dot segment', path: 'Needs_Action/./EMAIL_1.md', reason: TRAVERSAL },
    { label: 'leading ./', path: './Needs_Action/EMAIL_1.md', reason: TRAVERSAL },
    { label: 'deep traversal', path: 'Done/../../../../../../../../etc/shadow', reason: TRAVERSAL },
    { label: 'encoded ..%2f', path: '..%2f..%2fetc%2fpasswd', reason: HIDDEN },
    { label: 'encoded in folder', path: 'Needs_Action/..%2F..%2Fsecret.md', reason: HIDDEN },
    { label: 'encoded %2e%2e (a literal name)', path: '%2e%2e/%2e%2e/etc/passwd', reason: ABSENT, codes: MISSING },
    {
      label: 'fullwidth dots (a literal name)',
      path: '\uFF0E\uFF0E/\uFF0E\uFF0E/etc/passwd',
      reason: ABSENT,
      codes: MISSING,
    },
    {
      label: 'division slash (a literal name)',
      path: 'Needs_Action\u2215..\u2215secret.md',
      reason: ABSENT,
      codes: MISSING,
    },
    { label: 'empty segment', path: 'Needs_Action//EMAIL_1.md', reason: /empty segment/ },
    // Absolute
    { label: 'absolute unix', path: '/etc/passwd', reason: ABSOLUTE },
    { label: 'absolute root', path: '/', reason: ABSOLUTE },
    { label: 'absolute path of the vault itself', path: `${vaultRoot}/Needs_Action/EMAIL_1.md`, reason: ABSOLUTE },
    { label: 'windows drive backslash', path: 'C:\\x', reason: BACKSLASH },
    { label: 'windows drive slash', path: 'C:/Windows/win.ini', reason: ABSOLUTE },
    { label: 'windows drive relative', path: 'c:x', reason: ABSOLUTE },
    { label: 'UNC forward', path: '//server/share', reason: ABSOLUTE },
    { label: 'UNC backslash', path: '\\\\server\\share', reason: BACKSLASH },
    { label: 'home', path: '~/x', reason: /"~"/ },
    { label: 'other home', path: '~root/.ssh/id_rsa', reason: /"~"/ },
    // Backslashes
    { label: 'backslash separator', path: 'Needs_Action\\EMAIL_1.md', reason: BACKSLASH },
    { label: 'backslash traversal', path: '..\\..\\etc\\passwd', reason: BACKSLASH },
    { label: 'mixed separators', path: 'Needs_Action\\..\\..\\x', reason: BACKSLASH },
    // NUL and control characters
    { label: 'NUL before extension', path: 'Needs_Action/EMAIL_1.md\0.txt', reason: /NUL/ },
    { label: 'NUL alone', path: '\0', reason: /NUL/ },
    { label: 'NUL then traversal', path: 'Needs_Action/\0/../x', reason: /NUL/ },
    { label: 'SOH', path: 'Needs_Action/a\u0001b.md', reason: INVISIBLE },
    { label: 'tab', path: 'Needs_Action/a\tb.md', reason: INVISIBLE },
    { label: 'newline', path: 'Needs_Action/EMAIL_1.md\nDone/x.md', reason: INVISIBLE },
    { label: 'carriage return', path: 'Needs_Action/a\rb.md', reason: INVISIBLE },
    { label: 'escape sequence', path: 'Needs_Action/\u001b[31mred.md', reason: INVISIBLE },
    { label: 'DEL', path: 'Needs_Action/a\u007fb.md', reason: INVISIBLE },
    { label: 'C1 NEL', path: 'Needs_Action/a\u0085b.md', reason: INVISIBLE },
    // Invisible and bidi Unicode
    { label: 'bidi override U+202E', path: 'Needs_Action/EMAIL_\u202Edm.exe', reason: INVISIBLE },
    { label: 'bidi isolate U+2066', path: 'Needs_Action/\u2066x.md', reason: INVISIBLE },
    { label: 'left-to-right mark', path: 'Needs_Action/\u200EEMAIL_1.md', reason: INVISIBLE },
    { label: 'zero-width space U+200B', path: 'Needs_Action/EMAIL\u200B_1.md', reason: INVISIBLE },
    { label: 'zero-width joiner', path: 'Needs_Action/EMAIL_1\u200D.md', reason: INVISIBLE },
    { label: 'byte-order mark', path: '\uFEFFNeeds_Action/EMAIL_1.md', reason: INVISIBLE },
    { label: 'private use', path: 'Needs_Action/\uE000.md', reason: INVISIBLE },
    { label: 'line separator', path: 'Needs_Action/a\u2028b.md', reason: INVISIBLE },
    // Unicode normalisation
    { label: 'non-NFC e + combining acute', path: 'Needs_Action/e\u0301.md', reason: /NFC/ },
    { label: 'non-NFC A + ring', path: 'Needs_Action/A\u030Angstr\u00f6m.md', reason: /NFC/ },
    { label: 'decomposed Hangul', path: 'Needs_Action/\u1100\u1161.md', reason: /NFC/ },
    // Over-long
    { label: '300-byte segment', path: long300, reason: /longer than 255 bytes/ },
    { label: '256-byte segment of 128 two-byte characters', path: `Done/${'\u00e9'.repeat(128)}`, reason: /255 bytes/ },
    { label: '2,000-character path', path: `Done/${'a/'.repeat(998)}`, reason: /1024 characters|1,024 characters/ },
    // Hidden files and folders
    { label: '.git/config', path: '.git/config', reason: HIDDEN },
    { label: '.git', path: '.git', reason: HIDDEN },
    { label: '.git hooks', path: '.git/hooks/pre-commit', reason: HIDDEN },
    { label: '.obsidian', path: '.obsidian/workspace.json', reason: HIDDEN },
    { label: '.env', path: '.env', reason: HIDDEN },
    { label: 'nested .env', path: 'Needs_Action/.env', reason: HIDDEN },
    { label: 'in-flight claim name', path: 'In_Progress/cloud/.claiming-000000000000-EMAIL_1.md', reason: HIDDEN },
    { label: 'temp file name', path: 'Needs_Action/.tmp-abc-EMAIL_1.md', reason: HIDDEN },
    // Empty and whitespace
    { label: 'empty', path: '', reason: /empty/ },
    { label: 'one space', path: ' ', reason: TRAILING },
    { label: 'spaces', path: '   ', reason: TRAILING },
    { label: 'slash and space', path: '/ ', reason: ABSOLUTE },
    // Trailing space or dot
    { label: 'trailing space', path: 'Needs_Action/EMAIL_1.md ', reason: TRAILING },
    { label: 'trailing dot', path: 'Needs_Action/EMAIL_1.md.', reason: TRAILING },
    { label: 'folder with trailing dot', path: 'Needs_Action./EMAIL_1.md', reason: TRAILING },
    { label: 'folder with trailing space', path: 'Needs_Action /EMAIL_1.md', reason: TRAILING },
    // Characters Windows forbids
    { label: 'colon', path: 'Needs_Action/a:b.md', reason: WINDOWS },
    { label: 'NTFS stream', path: 'Needs_Action/EMAIL_1.md:$DATA', reason: WINDOWS },
    { label: 'star', path: 'Needs_Action/*.md', reason: WINDOWS },
    { label: 'question mark', path: 'Needs_Action/a?.md', reason: WINDOWS },
    { label: 'double quote', path: 'Needs_Action/"a".md', reason: WINDOWS },
    { label: 'less than', path: 'Needs_Action/<a.md', reason: WINDOWS },
    { label: 'greater than', path: 'Needs_Action/a>.md', reason: WINDOWS },
    { label: 'pipe', path: 'Needs_Action/a|b.md', reason: WINDOWS },
    // Links planted in the vault (see `before`)
    { label: 'symlink file to outside', path: 'Needs_Action/EVIL.md', reason: SYMLINK },
    { label: 'symlink file to outside, in In_Progress', path: 'In_Progress/cloud/EVIL.md', reason: SYMLINK },
    { label: 'symlinked folder to outside', path: 'Needs_Action/EVIL_DIR', reason: SYMLINK },
    { label: 'file through a symlinked folder', path: 'Needs_Action/EVIL_DIR/inner.md', reason: SYMLINK },
    {
      label: 'file through a symlinked In_Progress folder',
      path: 'In_Progress/cloud/EVIL_DIR/inner.md',
      reason: SYMLINK,
    },
    { label: 'top-level symlinked folder', path: 'LINKED/inner.md', reason: SYMLINK },
    { label: 'dangling symlink', path: 'Needs_Action/DANGLING.md', reason: SYMLINK },
    { label: 'symlink to a file inside the vault', path: 'Needs_Action/INSIDE_LINK.md', reason: SYMLINK },
    { label: 'symlink to a claimed file inside the vault', path: 'In_Progress/cloud/INSIDE_LINK.md', reason: SYMLINK },
    { label: 'symlink to a draft outside', path: 'Needs_Action/cloud/DRAFT_EVIL.md', reason: SYMLINK },
    { label: 'symlink approval to outside', path: 'Pending_Approval/EVIL.md', reason: SYMLINK },
    { label: 'symlink to the vault root', path: 'Plans/ROOT/Needs_Action/EMAIL_1.md', reason: SYMLINK },
  ];
}

/** Each tool argument that takes a path, and how to call it with a hostile value there. */
interface Target {
  name: string;
  tool: string;
  /** The tool's own schema limit: longer (or empty) input is refused by the SDK before our code runs. */
  maxLength: number;
  args(hostile: string): Record<string, unknown>;
}

const EMAIL_PARAMS = { to: 'customer@example.com', subject: 'Re: Question' };
const CLAIMED = 'In_Progress/cloud/EMAIL_2.md';

const TARGETS: Target[] = [
  { name: 'read_task.path', tool: 'read_task', maxLength: 1024, args: (p) => ({ path: p }) },
  { name: 'claim_task.path', tool: 'claim_task', maxLength: 1024, args: (p) => ({ path: p }) },
  { name: 'release_task.path', tool: 'release_task', maxLength: 1024, args: (p) => ({ path: p, reason: 'test' }) },
  {
    name: 'complete_task.path',
    tool: 'complete_task',
    maxLength: 1024,
    args: (p) => ({ path: p, outcome: 'done' }),
  },
  { name: 'fail_task.path', tool: 'fail_task', maxLength: 1024, args: (p) => ({ path: p, reason: 'test' }) },
  { name: 'write_draft.task', tool: 'write_draft', maxLength: 1024, args: (p) => ({ task: p, body: 'Hello.' }) },
  {
    name: 'request_approval.task',
    tool: 'request_approval',
    maxLength: 1024,
    args: (p) => ({ task: p, action: 'send_email', params: EMAIL_PARAMS }),
  },
  {
    name: 'request_approval.draft',
    tool: 'request_approval',
    maxLength: 1024,
    // Why a real claimed task: the draft is checked after the task, so the task must pass.
    args: (p) => ({ task: CLAIMED, action: 'send_email', params: EMAIL_PARAMS, draft: p }),
  },
  { name: 'list_tasks.folder', tool: 'list_tasks', maxLength: 256, args: (p) => ({ folder: p }) },
];

/** Only a payload over the tools' 4,096-character cap is refused by the schema; the vault refuses the rest. */
const schemaLevel = (_target: Target, input: HostileInput) => input.path.length > 4096;

interface Snapshot {
  rel: string;
  kind: 'file' | 'dir';
  content?: string;
  mtimeMs: number;
  ino: number;
}

async function snapshotTree(dir: string, base = dir): Promise<Snapshot[]> {
  const out: Snapshot[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const abs = path.join(dir, name);
    const st = await lstat(abs);
    const rel = path.relative(base, abs);
    if (st.isDirectory()) {
      out.push({ rel, kind: 'dir', mtimeMs: st.mtimeMs, ino: st.ino });
      out.push(...(await snapshotTree(abs, base)));
    } else {
      out.push({ rel, kind: 'file', content: await readFile(abs, 'utf8'), mtimeMs: st.mtimeMs, ino: st.ino });
    }
  }
  return out;
}

/** Every file under `dir` whose content holds `marker`, without following links. */
async function filesContaining(dir: string, marker: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of await readdir(dir)) {
    const abs = path.join(dir, name);
    const st = await lstat(abs);
    if (st.isSymbolicLink()) continue;
    if (st.isDirectory()) found.push(...(await filesContaining(abs, marker)));
    else if ((await readFile(abs, 'utf8')).includes(marker)) found.push(abs);
  }
  return found;
}

describe('hostile paths through a real MCP client', () => {
  let root: string;
  let outside: string;
  let conn: InProcessConnection;
  let inputs: HostileInput[];
  let before_: Snapshot[];
  const links: Record<string, string> = {};

  before(async () => {
    outside = await mkdtemp(path.join(os.tmpdir(), 'hostile-outside-'));
    await writeFile(path.join(outside, 'secret.md'), SECRET_TEXT);
    await writeFile(path.join(outside, 'draft.md'), `---\ntype: draft\nid: x\n---\n${SECRET_MARKER}\n`);
    await mkdir(path.join(outside, 'dir'));
    await writeFile(path.join(outside, 'dir', 'inner.md'), SECRET_TEXT);
    await writeFile(path.join(outside, 'sentinel.txt'), 'do not touch\n');
    await writeFile(
      path.join(outside, 'approval.md'),
      `---\ntype: approval_request\nid: ${SECRET_MARKER}\naction: leak\nstatus: pending\n---\n${SECRET_MARKER}\n`,
    );

    root = await tempVaultDir('hostile-vault-');
    await seedEmailTask(root, 1);
    await seedEmailTask(root, 2);
    // Links, as an attacker with write access to the vault (or a synced commit) could plant them.
    links['Needs_Action/EVIL.md'] = path.join(outside, 'secret.md');
    links['In_Progress/cloud/EVIL.md'] = path.join(outside, 'secret.md');
    links['Needs_Action/EVIL_DIR'] = path.join(outside, 'dir');
    links['In_Progress/cloud/EVIL_DIR'] = path.join(outside, 'dir');
    links['LINKED'] = path.join(outside, 'dir');
    links['Needs_Action/DANGLING.md'] = path.join(outside, 'missing.md');
    links['Needs_Action/INSIDE_LINK.md'] = path.join(root, 'Needs_Action', 'EMAIL_1.md');
    links['In_Progress/cloud/INSIDE_LINK.md'] = path.join(root, CLAIMED);
    links['Needs_Action/cloud/DRAFT_EVIL.md'] = path.join(outside, 'draft.md');
    links['Plans/ROOT'] = root;
    links['Pending_Approval/EVIL.md'] = path.join(outside, 'approval.md');
    for (const [rel, target] of Object.entries(links)) await symlink(target, path.join(root, rel));

    conn = await connectInProcess(root, 'cloud');
    const claimed = await conn.call('claim_task', { path: 'Needs_Action/EMAIL_2.md' });
    assert.equal(claimed.isError, undefined, textOf(claimed));
    assert.equal((claimed.structuredContent as { path: string }).path, CLAIMED);
    inputs = hostileInputs(root);
    before_ = await snapshotTree(outside);
  });

  after(async () => {
    await conn.close();
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  test('there are at least 50 hostile inputs, each distinct', () => {
    assert.ok(inputs.length >= 50, `${inputs.length} inputs`);
    assert.equal(new Set(inputs.map((i) => i.path)).size, inputs.length);
  });

  for (const target of TARGETS) {
    test(`${target.name} refuses every hostile path with a code and a reason`, async () => {
      const problems: string[] = [];
      for (const input of inputs) {
        const result = await conn.call(target.tool, target.args(input.path));
        const problem = checkToolError(result, input, schemaLevel(target, input));
        if (problem) problems.push(`${input.label}: ${problem}`);
      }
      assert.deepEqual(problems, []);
    });
  }

  test('schema-level refusals (empty, over-long) also carry the invalid_input code', {}, async () => {
    const problems: string[] = [];
    for (const target of TARGETS) {
      for (const input of inputs.filter((i) => schemaLevel(target, i))) {
        const result = await conn.call(target.tool, target.args(input.path));
        const problem = checkToolError(result, input, false);
        if (problem) problems.push(`${target.name} / ${input.label}: ${problem}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  test('vault://{+path} refuses every hostile path, percent-encoded, with a protocol error that names the code', async () => {
    const problems: string[] = [];
    // The empty path makes `vault://`, which the SDK itself refuses (see below).
    for (const input of inputs.filter((i) => i.path !== '')) {
      const uri = `vault://${encodeURIComponent(input.path)}`;
      const problem = await checkResourceError(conn, uri, input.reason, input.codes ?? TEXT);
      if (problem) problems.push(`${input.label} (${uri.slice(0, 60)}): ${problem}`);
    }
    assert.deepEqual(problems, []);
  });

  test('vault://{+path} refuses raw, partly and doubly encoded escapes', async () => {
    const cases: Array<[string, RegExp, readonly string[]]> = [
      ['vault://../etc/passwd', TRAVERSAL, TEXT],
      ['vault://..', TRAVERSAL, TEXT],
      ['vault://%2e%2e/%2e%2e/etc/passwd', TRAVERSAL, TEXT],
      ['vault://%2E%2E%2F%2E%2E%2Fetc%2Fpasswd', TRAVERSAL, TEXT],
      ['vault://..%2f..%2fetc%2fpasswd', TRAVERSAL, TEXT],
      ['vault://Needs_Action%2F..%2F..%2Fetc%2Fpasswd', TRAVERSAL, TEXT],
      // Why not_found is fine here: the URL parser folds the dots away, leaving a harmless in-vault name.
      ['vault://Needs_Action/../../etc/passwd', ABSENT, MISSING],
      ['vault://%252e%252e/%252e%252e/etc/passwd', /"\." or "\.\."|does not exist/, MISSING],
      ['vault:///etc/passwd', ABSOLUTE, TEXT],
      ['vault://%2Fetc%2Fpasswd', ABSOLUTE, TEXT],
      ['vault://C%3A%5CWindows%5Cwin.ini', BACKSLASH, TEXT],
      ['vault://%5C%5Cserver%5Cshare', BACKSLASH, TEXT],
      ['vault://~/x', /"~"/, TEXT],
      ['vault://.git/config', HIDDEN, TEXT],
      ['vault://.obsidian/app.json', HIDDEN, TEXT],
      ['vault://.env', HIDDEN, TEXT],
      ['vault://Needs_Action/EMAIL_1.md%00.txt', /NUL/, TEXT],
      ['vault://Needs_Action/%E2%80%AEdm.exe', INVISIBLE, TEXT],
      ['vault://Needs_Action/EMAIL%E2%80%8B_1.md', INVISIBLE, TEXT],
      ['vault://Needs_Action/e%CC%81.md', /NFC/, TEXT],
      ['vault://Needs_Action/EVIL.md', SYMLINK, TEXT],
      ['vault://Needs_Action/EVIL_DIR/inner.md', SYMLINK, TEXT],
      ['vault://Needs_Action/DANGLING.md', SYMLINK, TEXT],
      ['vault://Needs_Action/INSIDE_LINK.md', SYMLINK, TEXT],
      ['vault://LINKED/inner.md', SYMLINK, TEXT],
      ['vault://Plans/ROOT/Company_Handbook.md', SYMLINK, TEXT],
    ];
    const problems: string[] = [];
    for (const [uri, reason, codes] of cases) {
      const problem = await checkResourceError(conn, uri, reason, codes);
      if (problem) problems.push(`${uri}: ${problem}`);
    }
    assert.deepEqual(problems, []);
  });

  test('URIs the SDK cannot match are refused by the SDK before our code runs', async () => {
    const cases: Array<[string, RegExp]> = [
      ['vault://', /Resource vault:\/\/ not found/],
      ['vault://C:%5CWindows%5Cwin.ini', /Invalid URL/],
      ['vault://a\0b', /Invalid URL/],
      ['vault:// /etc/passwd', /Invalid URL/],
      ['file:///etc/passwd', /Resource file:\/\/\/etc\/passwd not found/],
    ];
    for (const [uri, reason] of cases) {
      await assert.rejects(conn.client.readResource({ uri }), (err: Error) => {
        assert.match(err.message, reason, uri);
        assert.doesNotMatch(err.message, STACK_FRAME);
        return true;
      });
    }
  });

  test('a lone UTF-16 surrogate is refused as an invisible character', {}, async () => {
    const input: HostileInput = { label: 'lone surrogate', path: 'Needs_Action/\uD800.md', reason: INVISIBLE };
    const problems: string[] = [];
    for (const target of TARGETS) {
      const problem = checkToolError(await conn.call(target.tool, target.args(input.path)), input, false);
      if (problem) problems.push(`${target.name}: ${problem}`);
    }
    assert.deepEqual(problems, []);
  });

  test('listing does not read through a link planted in a listed folder', {}, async () => {
    for (const [tool, args] of [
      ['list_tasks', { folder: 'Needs_Action' }],
      ['list_tasks', { folder: 'Pending_Approval' }],
      ['list_tasks', {}],
      ['vault_status', {}],
    ] as const) {
      const result = await conn.call(tool, args);
      assert.equal(result.isError, undefined, textOf(result));
      assert.doesNotMatch(textOf(result), new RegExp(SECRET_MARKER), `${tool} ${JSON.stringify(args)} leaks`);
      assert.doesNotMatch(textOf(result), /EVIL\.md|leak/, `${tool} ${JSON.stringify(args)} shows the link`);
    }
  });

  test('vault:// with broken percent-encoding names the invalid_input code', {}, async () => {
    const problem = await checkResourceError(conn, 'vault://Needs_Action/%ZZ.md', /percent-encoding/, TEXT);
    assert.equal(problem, undefined);
  });

  test('the planted links still point where they did, and nothing was read into or moved out of the vault', async () => {
    for (const [rel, target] of Object.entries(links)) {
      const st = await lstat(path.join(root, rel));
      assert.ok(st.isSymbolicLink(), `${rel} is still a link`);
      assert.equal(await readlink(path.join(root, rel)), target);
    }
    assert.deepEqual(await filesContaining(root, SECRET_MARKER), [], 'no outside content was copied into the vault');
    // The claimed task and the other seed are where they were.
    await stat(path.join(root, CLAIMED));
    await stat(path.join(root, 'Needs_Action', 'EMAIL_1.md'));
  });

  test('nothing outside the vault was touched: sentinel content, mtimes and inodes are unchanged', async () => {
    assert.ok(before_.length >= 5);
    assert.deepEqual(await snapshotTree(outside), before_);
  });
});

/** Returns a description of what is wrong with a tool result, or undefined when it is a proper refusal. */
function checkToolError(result: CallToolResult, input: HostileInput, bySchema: boolean): string | undefined {
  if (result.isError !== true) return `not an error: ${JSON.stringify(result.structuredContent).slice(0, 200)}`;
  const text = textOf(result);
  if (STACK_FRAME.test(text)) return `stack trace in ${text}`;
  if (bySchema) {
    // The SDK's own refusal: a clear reason, but not our error object.
    return /Input validation error: .*(Too small|Too big)/.test(text) ? undefined : `unexpected text ${text}`;
  }
  let error: { code?: string; message?: string } | undefined;
  try {
    error = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
  } catch {
    return `text is not our error object: ${text.slice(0, 200)}`;
  }
  const codes = input.codes ?? TEXT;
  if (!error?.code || !codes.includes(error.code)) return `code ${error?.code} not in ${codes.join('|')}: ${text}`;
  if (!error.message || !input.reason.test(error.message)) return `reason ${input.reason} not in "${error.message}"`;
  if (error.message.includes(SECRET_MARKER)) return 'the message leaks outside content';
  return undefined;
}

async function checkResourceError(
  conn: InProcessConnection,
  uri: string,
  reason: RegExp,
  codes: readonly string[],
): Promise<string | undefined> {
  let contents: unknown;
  try {
    contents = await conn.client.readResource({ uri });
  } catch (err) {
    const message = (err as Error).message;
    if (STACK_FRAME.test(message)) return `stack trace in ${message}`;
    if (message.includes(SECRET_MARKER)) return 'the message leaks outside content';
    const code = /\b(invalid_input|not_found|policy_denied|conflict|internal):/.exec(message)?.[1];
    if (!code || !codes.includes(code)) return `code ${code} not in ${codes.join('|')}: ${message}`;
    if (!reason.test(message)) return `reason ${reason} not in "${message}"`;
    return undefined;
  }
  return `read succeeded: ${JSON.stringify(contents).slice(0, 200)}`;
}

describe('a protocol folder swapped for a link to outside', () => {
  // Why after connecting: a check when the vault opens is not enough, a link can be swapped in at any time
  // (a synced commit can carry one). Each write to a folder the vault names itself must refuse links too.
  test('a claim never moves a task out of the vault through a linked In_Progress/<role>/', {}, async () => {
    const outside = await mkdtemp(path.join(os.tmpdir(), 'hostile-swap-'));
    const root = await tempVaultDir('hostile-swap-vault-');
    await seedEmailTask(root, 1);
    const conn = await connectInProcess(root, 'cloud');
    try {
      await rm(path.join(root, 'In_Progress', 'cloud'), { recursive: true });
      await symlink(outside, path.join(root, 'In_Progress', 'cloud'));
      const result = await conn.call('claim_task', { path: 'Needs_Action/EMAIL_1.md' });
      assert.equal(result.isError, true, textOf(result));
      assert.doesNotMatch(textOf(result), STACK_FRAME);
      assert.deepEqual(await readdir(outside), [], 'nothing was moved outside the vault');
      await stat(path.join(root, 'Needs_Action', 'EMAIL_1.md'));
    } finally {
      await conn.close();
      await rm(root, { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    }
  });

  test('drafts, approvals, updates and completed tasks are never written through a linked folder', {}, async () => {
    const outside = await mkdtemp(path.join(os.tmpdir(), 'hostile-swap-'));
    const root = await tempVaultDir('hostile-swap-vault-');
    await seedEmailTask(root, 1);
    const conn = await connectInProcess(root, 'cloud');
    try {
      const claimed = await conn.call('claim_task', { path: 'Needs_Action/EMAIL_1.md' });
      assert.equal(claimed.isError, undefined, textOf(claimed));
      for (const folder of ['Needs_Action/cloud', 'Pending_Approval', 'Updates', 'Done']) {
        const target = path.join(outside, folder.replace('/', '_'));
        await mkdir(target);
        await rm(path.join(root, ...folder.split('/')), { recursive: true });
        await symlink(target, path.join(root, ...folder.split('/')));
      }
      const task = 'In_Progress/cloud/EMAIL_1.md';
      const calls: Array<[string, Record<string, unknown>]> = [
        ['write_draft', { task, body: 'Hello.' }],
        ['request_approval', { task, action: 'send_email', params: EMAIL_PARAMS }],
        ['post_update', { title: 'Hi', body: 'x' }],
        ['complete_task', { path: task, outcome: 'done' }],
      ];
      const problems: string[] = [];
      for (const [tool, args] of calls) {
        const result = await conn.call(tool, args);
        if (result.isError !== true) problems.push(`${tool} succeeded: ${textOf(result).slice(0, 120)}`);
      }
      for (const name of await readdir(outside)) {
        const written = await readdir(path.join(outside, name));
        if (written.length > 0) problems.push(`written outside the vault: ${name}/${written.join(', ')}`);
      }
      assert.deepEqual(problems, []);
    } finally {
      await conn.close();
      await rm(root, { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    }
  });
});

describe('a hard link is not a path escape', () => {
  test('a hard link in the vault is an ordinary file; the vault never writes in place, so its other name keeps its content', async () => {
    // Why this is not an escape: a hard link is a second name of the same file, made by someone who could
    // already write in the vault and read the target; the caller still names a path inside the vault. And
    // every vault write is temp file + rename or link, so the other name never sees our changes.
    const outside = await mkdtemp(path.join(os.tmpdir(), 'hostile-hardlink-'));
    const root = await tempVaultDir('hostile-hardlink-vault-');
    const original = (await readFile(path.join(root, await seedEmailTask(root, 5)), 'utf8')).replace(
      'Hello',
      'Shared inode',
    );
    await writeFile(path.join(outside, 'shared.md'), original);
    await rm(path.join(root, 'Needs_Action', 'EMAIL_5.md'));
    await link(path.join(outside, 'shared.md'), path.join(root, 'Needs_Action', 'EMAIL_5.md'));
    const before = await stat(path.join(outside, 'shared.md'));

    const conn = await connectInProcess(root, 'cloud');
    try {
      const read = await conn.call('read_task', { path: 'Needs_Action/EMAIL_5.md' });
      assert.match((read.structuredContent as { body: string }).body, /Shared inode/);
      const claimed = await conn.call('claim_task', { path: 'Needs_Action/EMAIL_5.md' });
      assert.equal(claimed.isError, undefined, textOf(claimed));
      const done = await conn.call('complete_task', { path: 'In_Progress/cloud/EMAIL_5.md', outcome: 'replied' });
      assert.equal(done.isError, undefined, textOf(done));
    } finally {
      await conn.close();
    }
    const after = await stat(path.join(outside, 'shared.md'));
    assert.equal(await readFile(path.join(outside, 'shared.md'), 'utf8'), original, 'the other name is unchanged');
    assert.equal(after.mtimeMs, before.mtimeMs);
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });
});
