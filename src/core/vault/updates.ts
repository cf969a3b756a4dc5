import { randomBytes } from 'node:crypto';
import { invalidInput } from '../errors.js';
import { absOf, type VaultContext } from './context.js';
import { createFileDurable } from './durable.js';
import { newTaskText } from './frontmatter.js';

export interface UpdateResult {
  path: string;
}

export const UPDATE_LEVELS = ['info', 'alert'] as const;

/**
 * Writes a signal for Local into `Updates/` (DESIGN §3). Each update is its own file with a unique name, so
 * writers never collide and Local can merge and remove them one by one.
 */
export async function postUpdate(
  ctx: VaultContext,
  args: { title: string; body: string; level?: (typeof UPDATE_LEVELS)[number]; source?: string },
): Promise<UpdateResult> {
  ctx.policy.require('vault.update', 'Posting an update');
  const title = args.title.trim();
  if (title === '') throw invalidInput('The update needs a title.');
  const now = ctx.clock();
  const slug =
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || 'update';
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const rel = `Updates/${stamp}_${ctx.role}_${slug}_${randomBytes(3).toString('hex')}.md`;
  ctx.policy.requireWritable(rel, 'Posting an update');
  await createFileDurable(
    await absOf(ctx, rel),
    newTaskText(
      {
        type: 'update',
        level: args.level ?? 'info',
        title,
        created: now.toISOString(),
        role: ctx.role,
        source: args.source ?? ctx.actor,
      },
      `# ${title}\n\n${args.body}`,
    ),
  );
  await ctx.audit.record({
    action_type: 'update.post',
    target: rel,
    parameters: { title, level: args.level ?? 'info' },
    result: 'ok',
  });
  return { path: rel };
}
