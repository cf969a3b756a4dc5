import { startGraphStandin, type GraphStandin } from './server.js';

export { startGraphStandin, graphTime, type GraphStandin } from './server.js';

/** `ai-employee sandbox graph`: the stand-in alone, with `seed` sample comments, messages and IG comments. */
export async function runGraphSandbox(options: { port: number; seed: number }): Promise<GraphStandin> {
  const standin = await startGraphStandin({ port: options.port });
  for (let i = 0; i < options.seed; i += 1) {
    standin.addFacebookComment();
    standin.addMessengerMessage();
    standin.addInstagramComment();
  }
  return standin;
}

/**
 * The environment that points the Facebook and Instagram watchers and reply clients at the stand-in: Facebook
 * on the graph.facebook.com listener with the Page token, Instagram through Instagram Login on the
 * graph.instagram.com listener with the `IG…` token (each token works on its own host only).
 */
export function graphEnv(standin: GraphStandin): Record<string, string> {
  return {
    GRAPH_API_URL: standin.url,
    GRAPH_API_VERSION: standin.version,
    FACEBOOK_PAGE_ID: standin.pageId,
    FACEBOOK_PAGE_TOKEN: standin.pageToken,
    INSTAGRAM_LOGIN: 'instagram',
    INSTAGRAM_API_URL: standin.igUrl,
    INSTAGRAM_USER_ID: standin.igUserId,
    INSTAGRAM_TOKEN: standin.igToken,
  };
}

/** graphEnv as `NAME=value` lines, the URL first (the sandbox command prints it as "running at"). */
export function graphSandboxEnv(standin: GraphStandin): string[] {
  return Object.entries(graphEnv(standin)).map(([k, v]) => `${k}=${v}`);
}
