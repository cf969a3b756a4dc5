import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import type { z } from 'zod';
import { silentLogger } from '../../src/core/log.js';
import { createOdooClient } from '../../src/core/odoo/index.js';
import type { Role } from '../../src/core/roles.js';
import { GitSyncService } from '../../src/daemons/sync/service.js';
import { ALL_TOOLS, type AnyTool } from '../../tools/index.js';
import { localExecutorDeps } from '../helpers/odoo-flow.js';
import { connectInProcess } from '../helpers/mcp-client.js';
import { openTestVault, tempVaultDir } from '../helpers/vault.js';

/**
 * The whole tools/list of each role, as a client sees it (names, titles, descriptions, hints, input and output
 * JSON Schema), compared with test/snapshots/tools.<cell>.json: any change to a tool's surface is a diff in
 * review. After an intended change: `UPDATE_SNAPSHOTS=1 node --import tsx --test
 * test/integration/mcp-tools-snapshot.test.ts`, then read the diff. A missing file is written, except under
 * CI=true, where it fails (a new cell must be committed with its snapshot). The same switch rewrites the tool
 * table of docs/mcp.md, generated from ALL_TOOLS, which is checked here as well.
 */

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SNAPSHOTS = path.join(REPO, 'test/snapshots');
const UPDATE = process.env['UPDATE_SNAPSHOTS'] === '1';

/** What toolsForRole varies on: the role's policy (role, draft-only) and the optional dependencies present. */
const CELLS: Array<{ file: string; role: Role; draftOnly: boolean; optional: boolean }> = [
  { file: 'tools.cloud.json', role: 'cloud', draftOnly: true, optional: true },
  { file: 'tools.cloud.vault-only.json', role: 'cloud', draftOnly: true, optional: false },
  { file: 'tools.local.json', role: 'local', draftOnly: false, optional: true },
  { file: 'tools.local.draft-only.json', role: 'local', draftOnly: true, optional: true },
  { file: 'tools.local.vault-only.json', role: 'local', draftOnly: false, optional: false },
];

/** Keys sorted at every depth (arrays keep their order: `required` and `enum` order is part of the surface). */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, sortKeys(v)]),
  );
}

/** A line diff (longest common subsequence) of two texts, only the changed lines with a little context. */
function lineDiff(before: string, after: string, context = 2): string {
  const a = before.split('\n');
  const b = after.split('\n');
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const rows: Array<[' ' | '-' | '+', string]> = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      rows.push([' ', a[i++]!]);
      j++;
    } else if (i < a.length && (j >= b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) rows.push(['-', a[i++]!]);
    else rows.push(['+', b[j++]!]);
  }
  const keep = rows.map((_, k) => rows.slice(Math.max(0, k - context), k + context + 1).some(([m]) => m !== ' '));
  return rows
    .filter((_, k) => keep[k])
    .map(([m, line]) => `${m} ${line}`)
    .join('\n');
}

async function toolsListOf(cell: (typeof CELLS)[number]): Promise<unknown> {
  const root = await tempVaultDir();
  let deps: Record<string, unknown> = {};
  if (cell.optional) {
    const vault = await openTestVault(root, cell.role, { draftOnly: cell.draftOnly });
    // Real clients that are never called: listing only needs them present (port 9 is never dialled here).
    const odoo = createOdooClient({
      url: 'http://127.0.0.1:9',
      db: 'snapshot',
      login: 'snapshot',
      apiKey: 'not-a-real-key',
      protocol: 'json2',
      policy: vault.policy,
      draftOnly: cell.draftOnly,
    });
    deps = {
      odoo,
      executor: await localExecutorDeps(vault, odoo),
      sync: new GitSyncService({ vault, stateDir: `${root}.state`, logger: silentLogger() }),
    };
  }
  const conn = await connectInProcess(root, cell.role, { draftOnly: cell.draftOnly, deps });
  try {
    const { tools } = await conn.client.listTools();
    return sortKeys([...tools].sort((x, y) => (x.name < y.name ? -1 : 1)));
  } finally {
    await conn.close();
  }
}

for (const cell of CELLS) {
  test(`tools/list of ${cell.file.replace(/^tools\.|\.json$/g, '')} matches its snapshot`, async () => {
    const file = path.join(SNAPSHOTS, cell.file);
    const actual = await toolsListOf(cell);
    const text = await prettier.format(JSON.stringify(actual, null, 2), {
      ...(await prettier.resolveConfig(file)),
      parser: 'json',
    });
    const stored = await readFile(file, 'utf8').catch(() => undefined);
    if (UPDATE || (stored === undefined && process.env['CI'] !== 'true')) {
      await mkdir(SNAPSHOTS, { recursive: true });
      await writeFile(file, text);
      return;
    }
    assert.ok(stored !== undefined, `${cell.file} is missing: run with UPDATE_SNAPSHOTS=1 and commit it`);
    if (JSON.stringify(JSON.parse(stored)) === JSON.stringify(actual)) return;
    assert.fail(
      `tools/list of ${cell.file} changed. If intended, run UPDATE_SNAPSHOTS=1 and review the diff:\n${lineDiff(stored, text)}`,
    );
  });
}

/** The tool table of docs/mcp.md: one row per tool of ALL_TOOLS, in its order. */
function toolTable(tools: readonly AnyTool[]): string {
  // A literal "|" would end the cell, and "<role>" would be read as an HTML tag.
  const cell = (text: string) => text.replace(/[|<>]/g, (c) => `\\${c}`);
  const rows = tools.map((tool) => {
    const input = Object.entries(tool.input as Record<string, z.ZodType>)
      .map(([k, v]) => `${k}${v.safeParse(undefined).success ? '?' : ''}`)
      .join(', ');
    const hints = Object.entries(tool.annotations)
      .filter(([, on]) => on)
      .map(([hint]) => hint.replace(/Hint$/, '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`))
      .join(', ');
    const listed = [...tool.requires.map((c) => `\`${c}\``), ...(tool.needs ?? []).map((n) => `${n}`)].join(', ');
    const first = /^(.*?[.!?])(?=\s+[A-Z]|$)/s.exec(tool.description)?.[1] ?? tool.description;
    return `| \`${tool.name}\` | ${input ? `\`${input}\`` : '—'} | ${listed} | ${hints || '—'} | ${cell(first)} |`;
  });
  return [
    '| tool | input (`?`: optional) | listed with | hints | does |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

test('the tool table of docs/mcp.md is the one ALL_TOOLS generates', async () => {
  const file = path.join(REPO, 'docs/mcp.md');
  const doc = await readFile(file, 'utf8');
  const start = '<!-- tools:start (generated by test/integration/mcp-tools-snapshot.test.ts) -->';
  const end = '<!-- tools:end -->';
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  assert.ok(from >= 0 && to > from, `docs/mcp.md holds the markers ${start} and ${end}`);
  const table = `\n${toolTable(ALL_TOOLS)}\n`;
  const current = doc.slice(from + start.length, to);
  if (current === table) return;
  if (UPDATE) {
    await writeFile(file, doc.slice(0, from + start.length) + table + doc.slice(to));
    return;
  }
  assert.fail(`docs/mcp.md's tool table is out of date; run UPDATE_SNAPSHOTS=1:\n${lineDiff(current, table)}`);
});
