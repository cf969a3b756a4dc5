import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fsyncDir } from '../../src/core/vault/durable.js';

/**
 * What a durable write's folder sync does per platform (docs/durability.md): on Windows a folder cannot be opened
 * for syncing (EPERM) and NTFS journals the rename, so it is skipped rather than failing every durable write.
 */
test('folder fsync: done on Linux and macOS, skipped on Windows (never opened there)', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'durable-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await fsyncDir(dir, 'linux');
  await fsyncDir(dir, 'darwin');
  // A folder that does not exist shows whether the folder was opened at all.
  const missing = path.join(dir, 'not-there');
  await assert.rejects(fsyncDir(missing, 'linux'), { code: 'ENOENT' });
  await fsyncDir(missing, 'win32');
});
