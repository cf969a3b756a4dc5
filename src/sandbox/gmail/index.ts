import { startGmailStandin, type GmailStandin } from './server.js';

export { startGmailStandin, type GmailStandin } from './server.js';

/** `ai-employee sandbox gmail`: the stand-in alone, with `seed` sample messages in its inbox. */
export async function runGmailSandbox(options: { port: number; seed: number }): Promise<GmailStandin> {
  const standin = await startGmailStandin({ port: options.port });
  for (let i = 0; i < options.seed; i += 1) standin.addMessage();
  return standin;
}

/** The environment lines that point the Gmail watcher and reply client at the stand-in (fake credentials). */
export function gmailSandboxEnv(standin: GmailStandin): string[] {
  return [
    `GMAIL_API_URL=${standin.url}/`,
    `GMAIL_TOKEN_URL=${standin.tokenUrl}`,
    `GMAIL_CLIENT_ID=${standin.credentials.clientId}`,
    `GMAIL_CLIENT_SECRET=${standin.credentials.clientSecret}`,
    `GMAIL_REFRESH_TOKEN=${standin.credentials.refreshToken}`,
  ];
}
