import { startXStandin, type XStandin } from './server.js';

export { startXStandin, type XStandin } from './server.js';

/** `ai-employee sandbox x`: the stand-in alone, with `seed` sample mentions. */
export async function runXSandbox(options: { port: number; seed: number }): Promise<XStandin> {
  const standin = await startXStandin({ port: options.port });
  for (let i = 0; i < options.seed; i += 1) standin.addMention();
  return standin;
}

/** The environment lines that point the X watcher and reply client at the stand-in (fake credentials). */
export function xSandboxEnv(standin: XStandin): string[] {
  const c = standin.credentials;
  return [
    `X_API_URL=${standin.url}`,
    `X_USER_ID=${standin.me.id}`,
    `X_API_KEY=${c.appKey}`,
    `X_API_SECRET=${c.appSecret}`,
    `X_ACCESS_TOKEN=${c.accessToken}`,
    `X_ACCESS_SECRET=${c.accessSecret}`,
  ];
}
