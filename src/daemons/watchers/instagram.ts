import { isGraphError, type GraphOptions } from '../../core/providers/graph-client.js';
import { graphMs, graphPages, keepMark, readMarks, writeMarks, type PagingState } from './graph-paging.js';
import { quote } from './task-file.js';
import type { WatchBatch, WatchItem, WatchSource } from './types.js';

export interface InstagramSourceOptions {
  graph: Omit<GraphOptions, 'signal'>;
  igUserId: string;
  /**
   * Which login the token comes from: `facebook` (a Page token, graph.facebook.com) or `instagram` (an
   * Instagram Login token, graph.instagram.com). The paths are the same; the permission names differ, and
   * Graph's Instagram errors name none, so the alert names the ones this login needs.
   */
  login?: InstagramLogin;
  /** Pages of recent media searched for new comments (25 media a page). */
  mediaPages?: number;
  commentPages?: number;
}

export type InstagramLogin = 'facebook' | 'instagram';

const NEEDS: Record<InstagramLogin, { media: string; comments: string }> = {
  facebook: { media: 'instagram_basic', comments: 'instagram_manage_comments' },
  instagram: { media: 'instagram_business_basic', comments: 'instagram_business_manage_comments' },
};

interface IgMedia {
  id: string;
  timestamp?: string;
  comments_count?: number;
}
interface IgComment {
  id: string;
  text?: string;
  username?: string;
  timestamp?: string;
}

/**
 * Instagram: comments on our own recent media (`/{ig-user}/media`, then `/{media}/comments` for media with
 * comments), with an inclusive time watermark and the runner's seen-ids for repeats. @mentions of the account
 * cannot be polled (Graph only hands their ids to a webhook), so they are not watched.
 */
export function instagramSource(options: InstagramSourceOptions): WatchSource {
  return {
    name: 'instagram',
    classify: (err) => (isGraphError(err) ? err : undefined),
    async *poll(cursor, signal): AsyncGenerator<WatchBatch> {
      const graph = { ...options.graph, signal };
      const marks = readMarks(cursor);
      const next = { ...marks };
      const mark = marks['comments'] ?? 0;
      const needs = NEEDS[options.login ?? 'facebook'];
      // A media deleted between the listing and reading its comments is skipped, not a reason to pause.
      const edge: PagingState = { truncated: false, objectMayVanish: true };
      for await (const media of graphPages<IgMedia>(
        graph,
        `${options.igUserId}/media`,
        { fields: 'id,timestamp,comments_count' },
        options.mediaPages ?? 2,
        undefined,
        needs.media,
      )) {
        for (const m of media) {
          if ((m.comments_count ?? 1) === 0) continue;
          const items: WatchItem[] = [];
          for await (const comments of graphPages<IgComment>(
            graph,
            `${m.id}/comments`,
            { fields: 'id,text,username,timestamp' },
            options.commentPages ?? 5,
            edge,
            needs.comments,
          ))
            for (const c of comments) {
              const at = graphMs(c.timestamp);
              if (!Number.isFinite(at)) continue;
              next['comments'] = Math.max(next['comments'] ?? 0, at);
              if (at >= mark) items.push(toItem(c, m, at));
            }
          yield { items };
        }
      }
      // A media whose comments did not all fit this poll keeps the old watermark: the next poll reads the rest.
      if (edge.truncated) keepMark(next, marks, 'comments');
      yield { items: [], cursor: writeMarks(next) };
    },
  };
}

function toItem(c: IgComment, media: IgMedia, at: number): WatchItem {
  const author = c.username ? `@${c.username}` : 'someone';
  const created = new Date(at).toISOString();
  return {
    kind: 'IG',
    sourceId: c.id,
    fields: {
      id: `instagram:${c.id}`,
      type: 'instagram_comment',
      source: 'instagram',
      created,
      author,
      text: c.text ?? '',
      post_id: media.id,
      reply_to_id: c.id,
    },
    body: [
      `# Instagram comment from ${author}`,
      '',
      `**On media:** ${media.id}`,
      `**Posted:** ${created}`,
      '',
      quote(c.text ?? ''),
      '',
    ].join('\n'),
  };
}
