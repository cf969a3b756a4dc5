/**
 * One sample per guard rule, built at run time. Why concatenation and a generator: the repository must
 * never hold a literal secret shape, or every other scanner (and our own guard) would flag the tests.
 */

export const LOWER = 'abcdefghijklmnopqrstuvwxyz';
export const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const DIGITS = '0123456789';
export const ALNUM = LOWER + UPPER + DIGITS;
export const HEX = '0123456789abcdef';
export const B64 = ALNUM + '+/';
export const B64URL = ALNUM + '-_';

/**
 * Deterministic pseudo-random characters from `alphabet`. Where the alphabet allows it, positions 1-3
 * hold a lower-case letter, a digit and an upper-case letter, so every fake has the mix a real key has.
 */
export function fake(seed: number, length: number, alphabet: string = ALNUM): string {
  let state = (seed * 2654435761 + 12345) >>> 0;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state >>> 8;
  };
  const chars = Array.from({ length }, () => alphabet[next() % alphabet.length] ?? 'x');
  [LOWER, DIGITS, UPPER].forEach((cls, i) => {
    const pool = [...cls].filter((c) => alphabet.includes(c));
    const pick = pool[next() % Math.max(pool.length, 1)];
    if (pick !== undefined && i + 1 < length) chars[i + 1] = pick;
  });
  return chars.join('');
}

export interface GuardSample {
  /** The rule id that must block it. */
  readonly rule: string;
  /** Path relative to the scanned root. */
  readonly path: string;
  /** Make `path` a folder (with one harmless file inside) instead of a file. */
  readonly dir?: boolean;
  readonly content: string;
  /** The secret part that must never appear in any output (content samples only). */
  readonly secret?: string;
  /** Line of the secret in `content` (content samples only). */
  readonly line?: number;
}

const HARMLESS = 'nothing secret in here\n';

const named = (rule: string, path: string, dir = false): GuardSample => ({ rule, path, dir, content: HARMLESS });

/** A content sample: the secret sits on line 3 of a markdown note, after `before` on the same line. */
const inNote = (rule: string, path: string, before: string, secret: string, after = ''): GuardSample => ({
  rule,
  path,
  content: `# Note\n\n${before}${secret}${after}\nend of note\n`,
  secret,
  line: 3,
});

function pemBody(seed: number): string {
  return [0, 1, 2].map((i) => fake(seed + i, 64, B64)).join('\n');
}

function jwt(seed: number): { prefix: string; secret: string } {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const token = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: 'owner', iat: 1767225600 })}.${fake(seed, 43, B64URL)}`;
  return { prefix: token.slice(0, 3), secret: token.slice(3) };
}

export function guardSamples(): GuardSample[] {
  const begin = '-----BEGIN ';
  const t = jwt(17);
  return [
    // By name.
    named('env-file', '.env'),
    named('env-file', 'Inbox/.env.production'),
    named('pem-file', 'Inbox/cert.pem'),
    named('key-file', 'Inbox/server.key'),
    named('pkcs12-file', 'Inbox/bundle.p12'),
    named('pkcs12-file', 'Inbox/bundle.pfx'),
    named('ssh-private-key-file', 'Inbox/id_rsa'),
    named('ssh-private-key-file', 'Inbox/id_ed25519'),
    named('ssh-private-key-file', 'id_ecdsa'),
    named('credentials-file', 'credentials.json'),
    named('credentials-file', 'Inbox/gmail_credentials.json'),
    named('oauth-token-file', 'token.json'),
    named('google-client-secret-file', 'client_secret_1234-abcd.apps.googleusercontent.com.json'),
    named('service-account-file', 'Inbox/service-account-prod.json'),
    named('session-store', '.whatsapp_session', true),
    named('session-store', 'Inbox/browser_session', true),
    named('java-keystore-file', 'release.keystore'),
    named('java-keystore-file', 'Inbox/app.jks'),
    named('netrc-file', '.netrc'),
    named('pgpass-file', '.pgpass'),
    named('keepass-file', 'Inbox/Passwords.kdbx'),
    named('banking-token-file', 'Inbox/banking_token.txt'),
    named('banking-token-file', 'Inbox/plaid_access.json'),
    named('git-credentials-file', '.git-credentials'),
    named('htpasswd-file', '.htpasswd'),
    // By content.
    inNote('private-key-block', 'Inbox/server.txt', begin + 'RSA PRIVATE' + ' KEY-----\n', pemBody(1)),
    inNote('private-key-block', 'Inbox/ssh.txt', begin + 'OPENSSH PRIVATE' + ' KEY-----\n', pemBody(2)),
    inNote('private-key-block', 'Inbox/ec.txt', begin + 'EC PRIVATE' + ' KEY-----\n', pemBody(3)),
    inNote('private-key-block', 'Inbox/pkcs8.txt', begin + 'PRIVATE' + ' KEY-----\n', pemBody(4)),
    inNote('pgp-private-key-block', 'Inbox/pgp.asc', begin + 'PGP PRIVATE' + ' KEY BLOCK-----\n\n', pemBody(5)),
    inNote(
      'service-account-private-key',
      'Inbox/gcp.json',
      '{"type": "service_account", "private_key": "' + begin + 'PRIVATE' + ' KEY-----\\n',
      fake(6, 64, B64),
      '\\n"}',
    ),
    inNote('google-oauth-refresh-token', 'Logs/gmail.md', 'refresh: 1//0', fake(7, 100, B64URL)),
    inNote('google-api-key', 'Plans/maps.md', 'key AI' + 'za', fake(8, 35, B64URL)),
    inNote('google-oauth-client-secret', 'Plans/oauth.md', 'secret GOC' + 'SPX-', fake(9, 28, B64URL)),
    inNote('aws-access-key-id', 'Logs/x.md', 'id AK' + 'IA', 'IOSFODNN7' + 'EXAMPLE'),
    inNote('aws-access-key-id', 'Logs/sts.md', 'id AS' + 'IA', fake(10, 16, UPPER + DIGITS)),
    inNote('aws-secret-access-key', 'Plans/aws.md', 'aws_secret_access_key = ', fake(11, 40, B64)),
    inNote('github-token', 'Plans/gh.md', 'token gh' + 'p_', fake(12, 36)),
    inNote('github-token', 'Plans/gh-pat.md', 'token github' + '_pat_', fake(13, 82, ALNUM + '_')),
    inNote(
      'slack-token',
      'Plans/slack.md',
      'bot xo' + 'xb-',
      `${fake(14, 12, DIGITS)}-${fake(15, 13, DIGITS)}-${fake(16, 24)}`,
    ),
    inNote(
      'slack-webhook',
      'Plans/hook.md',
      'https://hooks.slack.com' + '/services/',
      `T${fake(18, 8, UPPER + DIGITS)}/B${fake(19, 10, UPPER + DIGITS)}/${fake(20, 24)}`,
    ),
    inNote('stripe-secret-key', 'Plans/stripe.md', 'sk' + '_live_', fake(21, 24)),
    inNote('stripe-secret-key', 'Plans/stripe-r.md', 'rk' + '_live_', fake(22, 24)),
    inNote('openai-api-key', 'Plans/openai.md', 'sk' + '-proj-', fake(23, 64, B64URL)),
    inNote('openai-api-key', 'Plans/openai-legacy.md', 'key: sk' + '-', fake(24, 48)),
    inNote('anthropic-api-key', 'Plans/claude.md', 'sk' + '-ant-', 'api03-' + fake(25, 90, B64URL)),
    inNote('twitter-bearer-token', 'Plans/x.md', 'Bearer ' + 'A'.repeat(21), fake(26, 90, ALNUM + '%')),
    inNote('facebook-access-token', 'Plans/fb.md', 'EA' + 'A', 'B' + fake(27, 160)),
    inNote('jwt', 'Logs/session.md', 'cookie ' + t.prefix, t.secret),
    inNote('odoo-api-key', 'Plans/odoo.md', 'ODOO_API' + '_KEY=', fake(28, 40, HEX)),
    inNote('generic-secret-assignment', 'Plans/smtp.md', 'smtp_password: ', fake(29, 24, ALNUM + '!#%&*')),
    inNote('generic-secret-assignment', 'Plans/conf.json', '{"api_key": "', fake(30, 32), '"}'),
    inNote('database-url-password', 'Plans/db.md', 'postgres://odoo:', fake(31, 20), '@db.example.com:5432/odoo'),
    inNote('twilio-key', 'Plans/twilio.md', 'api S' + 'K', fake(32, 32, HEX)),
    inNote('sendgrid-api-key', 'Plans/sendgrid.md', 'S' + 'G.', `${fake(33, 22, B64URL)}.${fake(34, 43, B64URL)}`),
    inNote('npm-token', 'Plans/npm.md', 'np' + 'm_', fake(35, 36)),
    inNote('npmrc-auth-token', '.npmrc', '//registry.npmjs.org/:_auth' + 'Token=', fake(36, 36, HEX + '-')),
    inNote(
      'azure-storage-key',
      'Plans/azure.md',
      'DefaultEndpointsProtocol=https;AccountName=acme;Account' + 'Key=',
      fake(37, 86, B64) + '==',
      ';EndpointSuffix=core.windows.net',
    ),
    // Issue 12: tokens assigned with = or :, Instagram, base64-wrapped PEM, URL-encoded Google refresh tokens.
    inNote('token-assignment', 'Plans/x-app.md', 'X_BEARER_TOKEN=', fake(38, 50, B64URL)),
    inNote('token-assignment', 'Plans/ig.yaml', 'page_access_token: ', fake(39, 44, B64URL)),
    inNote('authorization-bearer', 'Logs/curl.md', 'curl -H "Authorization: Bearer ', fake(42, 40, B64URL), '"'),
    inNote('instagram-access-token', 'Plans/insta.md', 'INSTAGRAM_TOKEN=IG', 'QVJ' + fake(43, 150, B64URL)),
    inNote(
      'base64-private-key',
      'Plans/k8s.yaml',
      'tls.key: ',
      Buffer.from(`${begin}RSA PRIVATE KEY-----\n${pemBody(44)}\n`).toString('base64'),
    ),
    inNote('google-oauth-refresh-token', 'Logs/oauth.md', 'refresh_token=1%2F%2F0', fake(45, 100, B64URL)),
  ];
}
