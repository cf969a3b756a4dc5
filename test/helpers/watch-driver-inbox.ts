import { mkdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { inboxSource } from '../../src/daemons/watchers/inbox.js';
import type { WatchDriver } from './watch-driver-types.js';

export const inboxDriver: WatchDriver = {
  name: 'inbox',
  prefix: 'FILE_',
  provider: false,
  permissions: false,
  async start(vaultRoot) {
    const dir = path.join(vaultRoot, 'Inbox');
    await mkdir(dir, { recursive: true });
    let n = 0;
    const { sha256File } = await import('../../src/daemons/watchers/inbox.js');
    return {
      source: (ctx, clock) => inboxSource({ ctx, clock, settleMs: 0 }),
      credentials: 'none',
      add: async (count, time) => {
        const ids: string[] = [];
        for (let i = 0; i < count; i += 1) {
          n += 1;
          const file = path.join(dir, `scan ${n}.txt`);
          await writeFile(file, `invoice number ${n}\n`);
          const t = time ?? new Date(Date.UTC(2026, 10, 26, 8, 0, n));
          await utimes(file, t, t);
          ids.push(`inbox:${await sha256File(file)}`);
        }
        return ids;
      },
      rateLimit: () => undefined,
      serverError: () => undefined,
      revokeAuth: () => undefined,
      restoreAuth: () => undefined,
      requests: () => 0,
      env: {},
      close: async () => undefined,
    };
  },
};
