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

/** The environment lines that point the Facebook and Instagram watchers and reply clients at the stand-in. */
export function graphSandboxEnv(standin: GraphStandin): string[] {
  return [
    `GRAPH_API_URL=${standin.url}`,
    `GRAPH_API_VERSION=${standin.version}`,
    `FACEBOOK_PAGE_ID=${standin.pageId}`,
    `FACEBOOK_PAGE_TOKEN=${standin.pageToken}`,
    `INSTAGRAM_USER_ID=${standin.igUserId}`,
    `INSTAGRAM_TOKEN=${standin.igToken}`,
  ];
}
