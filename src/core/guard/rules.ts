import { BASE64_MARKERS, wrapsPrivateKey } from './base64.js';
import { charClasses, looksLikeCode, looksLikePlaceholder, shannonEntropy } from './heuristics.js';
import type { ContentRule, GuardRule, NameRule } from './types.js';

/**
 * Every rule the security guard applies, as data (DESIGN §6). Name rules see one lower-cased path segment;
 * content rules see the text of a file. The README and the tests list rules from here, so a new rule is
 * one entry in this file plus one sample in test/helpers/guard-samples.ts.
 *
 * Assignments use `[ \t]*` around `=`/`:`, never `\s*`, and values stop at a backslash: an empty `KEY=` must not
 * borrow the next line (or the next `\n`-escaped line of a JSON string) as its value.
 * Regexps here describe shapes, never real values. Left and right look-arounds keep a shape from matching
 * inside a longer token (a base64 blob, a hex hash), which is where most false alarms would come from.
 */

const name = (id: string, description: string, test: NameRule['test']): NameRule => ({
  id,
  kind: 'name',
  description,
  test,
});

const content = (
  id: string,
  description: string,
  source: string,
  options: {
    keywords: readonly string[];
    flags?: string;
    accept?: ContentRule['accept'];
    fallback?: boolean;
    gate?: string;
  },
): ContentRule => ({
  id,
  kind: 'content',
  description,
  // Why `g` and `d`: matchAll needs `g` (and clones the regexp, so no lastIndex is shared between scans);
  // `d` gives the offset of the `secret` group, so the preview can stop exactly where the secret begins.
  test: new RegExp(source, `gd${options.flags ?? ''}`),
  keywords: options.keywords,
  ...(options.accept ? { accept: options.accept } : {}),
  ...(options.fallback ? { fallback: true } : {}),
  ...(options.gate ? { gate: new RegExp(options.gate, options.flags ?? '') } : {}),
});

/** `.env.example` and friends document variable names; they are allowed by name and still content-scanned. */
const ENV_TEMPLATES = new Set(['example', 'sample', 'template', 'dist']);

const ends = (lowerName: string, ...suffixes: string[]) => suffixes.some((s) => lowerName.endsWith(s));

/** Mixed letters and digits: what generated keys look like, and what prose and slugs mostly do not. */
const mixed = (s: string) => /[A-Za-z]/.test(s) && /[0-9]/.test(s);

export const NAME_RULES: readonly NameRule[] = [
  name(
    'env-file',
    'environment file (.env, .env.*); .env.example/.sample/.template/.dist are allowed and content-scanned',
    (n) => n === '.env' || (n.startsWith('.env.') && !ENV_TEMPLATES.has(n.slice(5))),
  ),
  name('pem-file', 'PEM certificate or key file (*.pem)', (n, dir) => !dir && n.endsWith('.pem')),
  name('key-file', 'private key file (*.key)', (n, dir) => !dir && n.endsWith('.key')),
  name('pkcs12-file', 'PKCS#12 key bundle (*.p12, *.pfx)', (n, dir) => !dir && ends(n, '.p12', '.pfx')),
  name(
    'ssh-private-key-file',
    'SSH private key (id_rsa, id_ed25519, id_ecdsa, id_dsa, *.ppk)',
    (n, dir) =>
      !dir && (/^id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?(?:[._-].*)?$/.test(n) ? !n.endsWith('.pub') : n.endsWith('.ppk')),
  ),
  name(
    'credentials-file',
    'credentials file (credentials.json, *_credentials.json, an AWS "credentials" file)',
    (n, dir) => !dir && (n === 'credentials' || /^(?:.*[_.-])?credentials(?:[_.-].*)?\.json$/.test(n)),
  ),
  name(
    'oauth-token-file',
    'stored OAuth token (token.json, tokens.json, *_token.json, token.pickle)',
    (n, dir) => !dir && /^(?:.*[_.-])?tokens?\.(?:json|pickle|pkl)$/.test(n),
  ),
  name(
    'google-client-secret-file',
    'Google OAuth client secret file (client_secret*.json)',
    (n, dir) => !dir && /^client_secret.*\.json$/.test(n),
  ),
  name(
    'service-account-file',
    'cloud service account key file (service-account*.json)',
    (n, dir) => !dir && /^service[_-]?account.*\.json$/.test(n),
  ),
  name(
    'session-store',
    'logged-in browser or messenger session (*_session, .whatsapp_session, .wwebjs_auth)',
    (n) => n.endsWith('_session') || n === '.wwebjs_auth',
  ),
  name('java-keystore-file', 'Java keystore (*.keystore, *.jks)', (n, dir) => !dir && ends(n, '.keystore', '.jks')),
  name('netrc-file', 'netrc login file (.netrc, _netrc)', (n, dir) => !dir && (n === '.netrc' || n === '_netrc')),
  name('pgpass-file', 'PostgreSQL password file (.pgpass)', (n, dir) => !dir && n === '.pgpass'),
  name('keepass-file', 'KeePass password database (*.kdbx, *.kdb)', (n, dir) => !dir && ends(n, '.kdbx', '.kdb')),
  name(
    'banking-token-file',
    'banking or payment token (*bank*token*, *payment*token*, *card*token*, plaid*)',
    (n) => n.startsWith('plaid') || /(?:bank|payment|card).*(?:token|secret|credential)/.test(n),
  ),
  name('git-credentials-file', 'git credential store (.git-credentials)', (n, dir) => !dir && n === '.git-credentials'),
  name('htpasswd-file', 'web server password file (.htpasswd)', (n, dir) => !dir && n === '.htpasswd'),
];

/** Refuses `changeme`, `${VAR}`, `<your key>` and other stand-ins for a secret, and code that reads one. */
const real = (s: string) => !looksLikePlaceholder(s) && !looksLikeCode(s);

/**
 * A value that looks generated: not a stand-in, a path or URL, or a word; mixed characters; high entropy.
 * Why so strict: frontmatter and notes say "password: ..." and "token: ..." in prose.
 */
const randomValue = (s: string) =>
  real(s) &&
  !/^(?:\/|\.{1,2}\/|~\/|https?:|file:)/i.test(s) &&
  !/^[A-Za-z_.-]+$/.test(s) &&
  charClasses(s) >= 2 &&
  shannonEntropy(s) >= 3.3;

export const CONTENT_RULES: readonly ContentRule[] = [
  content(
    'private-key-block',
    'PEM private key (RSA, EC, DSA, OPENSSH, PKCS#8 or encrypted PRIVATE KEY block)',
    // Why the body: a sentence that merely names the header is not a key; a key has base64 right after it.
    String.raw`-----BEGIN (?!PGP )(?:[A-Z0-9]+ ){0,2}PRIVATE KEY-----(?<secret>[\s\S]{0,300}?[A-Za-z0-9+/]{40})`,
    { keywords: ['private key-----'] },
  ),
  content(
    'pgp-private-key-block',
    'PGP private key block',
    String.raw`-----BEGIN PGP PRIVATE KEY BLOCK-----(?<secret>[\s\S]{0,300}?[A-Za-z0-9+/]{40})`,
    { keywords: ['pgp private key block'] },
  ),
  content(
    'service-account-private-key',
    'private key inside a service account JSON ("private_key": "-----BEGIN ...")',
    String.raw`"private_key"\s*:\s*"(?<secret>-----BEGIN[^"]{20,})`,
    { keywords: ['"private_key"'] },
  ),
  content(
    'base64-private-key',
    'PEM private key wrapped in base64 (a Kubernetes secret, an env var, a mail attachment)',
    `(?<secret>${BASE64_MARKERS.map((m) => m.text).join('|')})`,
    { keywords: BASE64_MARKERS.map((m) => m.text.toLowerCase()), accept: wrapsPrivateKey },
  ),
  content(
    'google-oauth-refresh-token',
    'Google OAuth refresh token (1//0..., also URL-encoded 1%2F%2F0... or JSON-escaped)',
    // Why the two left edges: after a plain character it must start a token; after a %XX escape (%3D is
    // "=") it may follow a letter or digit, which are the escape's own.
    String.raw`(?:(?<=%[0-9A-Fa-f]{2})|(?<![A-Za-z0-9_/%-]))1(?://|%2[Ff]%2[Ff]|%252[Ff]%252[Ff]|\\/\\/)0(?<secret>[A-Za-z0-9_-]{40,})`,
    { keywords: ['1//0', '1%2f%2f0', '1%252f%252f0', '1\\/\\/0'] },
  ),
  content(
    'google-api-key',
    'Google API key (AIza...)',
    String.raw`(?<![A-Za-z0-9_-])AIza(?<secret>[0-9A-Za-z_-]{35})(?![A-Za-z0-9_-])`,
    {
      keywords: ['aiza'],
    },
  ),
  content(
    'google-oauth-client-secret',
    'Google OAuth client secret (GOCSPX-...)',
    String.raw`(?<![A-Za-z0-9_-])GOCSPX-(?<secret>[A-Za-z0-9_-]{28})(?![A-Za-z0-9_-])`,
    { keywords: ['gocspx-'] },
  ),
  content(
    'aws-access-key-id',
    'AWS access key id (AKIA/ASIA + 16)',
    String.raw`(?<![A-Za-z0-9])(?:AKIA|ASIA)(?<secret>[A-Z0-9]{16})(?![A-Za-z0-9])`,
    { keywords: ['akia', 'asia'] },
  ),
  content(
    'aws-secret-access-key',
    'AWS secret access key assigned to a variable',
    String.raw`(?:aws_?secret_?(?:access_?)?key|secret_?access_?key)["']?[ \t]*[:=][ \t]*["']?(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])`,
    { keywords: ['secret'], flags: 'i', accept: (s) => mixed(s) && shannonEntropy(s) > 3.5 },
  ),
  content(
    'github-token',
    'GitHub token (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_)',
    String.raw`(?<![A-Za-z0-9_])(?:gh[pousr]_|github_pat_)(?<secret>[A-Za-z0-9_]{36,})(?![A-Za-z0-9_])`,
    { keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'] },
  ),
  content(
    'slack-token',
    'Slack token (xoxb-, xoxp-, xoxa-, ...)',
    String.raw`(?<![A-Za-z0-9_-])xox[abposr]-(?<secret>[A-Za-z0-9-]{10,})`,
    {
      keywords: ['xox'],
      accept: mixed,
    },
  ),
  content(
    'slack-webhook',
    'Slack incoming webhook URL',
    String.raw`https://hooks\.slack\.com/(?:services|workflows|triggers)/(?<secret>[A-Za-z0-9_/-]{20,})`,
    { keywords: ['hooks.slack.com'] },
  ),
  content(
    'stripe-secret-key',
    'Stripe live secret or restricted key (sk_live_, rk_live_)',
    String.raw`(?<![A-Za-z0-9_])[sr]k_live_(?<secret>[A-Za-z0-9]{20,})`,
    { keywords: ['_live_'] },
  ),
  content(
    'openai-api-key',
    'OpenAI API key (sk-proj-, sk-svcacct-, sk-admin-, legacy sk- + 48)',
    String.raw`(?<![A-Za-z0-9_-])sk-(?!ant-)(?:(?:proj|svcacct|admin)-)?(?<secret>[A-Za-z0-9_-]{40,})`,
    // Why the class check: kebab-case slugs that start with "sk-" have no upper case and few digits.
    { keywords: ['sk-'], accept: (s) => charClasses(s) >= 3 && /[A-Z]/.test(s) && /[0-9]/.test(s) },
  ),
  content(
    'anthropic-api-key',
    'Anthropic API key (sk-ant-)',
    String.raw`(?<![A-Za-z0-9_-])sk-ant-(?<secret>[A-Za-z0-9_-]{32,})`,
    {
      keywords: ['sk-ant-'],
    },
  ),
  content(
    'twitter-bearer-token',
    'X/Twitter app bearer token (AAAAAAAAAAAAAAAAAAAAA...)',
    // Why the tight edges: base64 of zero bytes also starts with A's, but sits inside a blob with + / =.
    // `=` may come before it (X_BEARER_TOKEN=AAAA...): padding only ever ends a base64 blob, never starts one.
    String.raw`(?<![A-Za-z0-9+/%_-])AAAAAAAAAAAAAAAAAAAAA(?<secret>[A-Za-z0-9%]{60,140})(?![A-Za-z0-9+/=%_-])`,
    { keywords: ['aaaaaaaaaaaaaaaaaaaaa'], accept: (s) => mixed(s) && /[a-z]/.test(s) },
  ),
  content(
    'facebook-access-token',
    'Facebook/Meta access token (EAA...)',
    String.raw`(?<![A-Za-z0-9+/_-])EAA(?<secret>[A-Za-z0-9]{60,})(?![A-Za-z0-9+/=_-])`,
    { keywords: ['eaa'], accept: (s) => charClasses(s) >= 3 },
  ),
  content(
    'instagram-access-token',
    'Instagram access token (IGQ..., IGAA...)',
    String.raw`(?<![A-Za-z0-9+/_-])IG(?<secret>(?:Q|AA)[A-Za-z0-9_-]{60,})(?![A-Za-z0-9+/=_-])`,
    { keywords: ['igq', 'igaa'], accept: (s) => charClasses(s) >= 3 && mixed(s) },
  ),
  content(
    'jwt',
    'JSON Web Token (three base64url parts starting eyJ)',
    String.raw`(?<![A-Za-z0-9_-])eyJ(?<secret>[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,})`,
    { keywords: ['eyj'] },
  ),
  content(
    'odoo-api-key',
    'Odoo API key or password assigned to ODOO_API_KEY / ODOO_PASSWORD (also odoo_api_key, odoo.api_key)',
    String.raw`ODOO[_.-]?(?:API[_.-]?KEY|PASSWORD|PASSWD)["']?[ \t]*[:=][ \t]*["']?(?<secret>[^\s"'#\\]{12,})`,
    { keywords: ['odoo'], flags: 'i', accept: real },
  ),
  content(
    'token-assignment',
    'bearer, access or other token assigned a long random value (X_BEARER_TOKEN=, access_token:, "authToken":)',
    // Why not after ? or &: a URL's `?token=` (unsubscribe, tracking links in mail) is not a credential of
    // ours; `?access_token=` still hits the generic rule below, and known token shapes hit their own rules.
    String.raw`(?<![A-Za-z0-9_.?&-])[A-Za-z0-9_.-]*(?:token|bearer)["']?[ \t]*[:=][ \t]*["']?(?:Bearer[ \t]+)?(?<secret>[^\s"'\x60<>\\,;]{16,})`,
    {
      keywords: ['token', 'bearer'],
      flags: 'i',
      fallback: true,
      accept: randomValue,
      gate: String.raw`(?:token|bearer)["']?[ \t]*[:=]`,
    },
  ),
  content(
    'authorization-bearer',
    'Authorization: Bearer header with a token',
    String.raw`(?<![A-Za-z0-9])Bearer[ \t]+(?<secret>[A-Za-z0-9._~+/%-]{16,}=*)`,
    { keywords: ['bearer'], flags: 'i', accept: (s) => randomValue(s) && /[0-9]/.test(s) },
  ),
  content(
    'generic-secret-assignment',
    'password, secret, token or API key assigned a long random value',
    String.raw`(?<![A-Za-z0-9])[A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|api[_-]?key|access[_-]?token|auth[_-]?token|private[_-]?key)["']?[ \t]*[:=][ \t]*["']?(?<secret>[^\s"'\x60<>\\]{16,})`,
    {
      keywords: ['pass', 'pwd', 'secret', 'key', 'token'],
      flags: 'i',
      fallback: true,
      accept: randomValue,
      gate: String.raw`(?:password|passwd|pwd|secret|api[_-]?key|access[_-]?token|auth[_-]?token|private[_-]?key)["']?[ \t]*[:=]`,
    },
  ),
  content(
    'database-url-password',
    'database or broker URL with a password (postgres://user:pass@host)',
    String.raw`(?<![A-Za-z0-9+.-])(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver)://[^\s:/@]*:(?<secret>[^\s:/@]+)@`,
    { keywords: ['://'], flags: 'i', accept: real },
  ),
  content(
    'twilio-key',
    'Twilio API key or account SID (SK/AC + 32 hex)',
    String.raw`(?<![A-Za-z0-9])(?:SK|AC)(?<secret>[0-9a-f]{32})(?![A-Za-z0-9])`,
    // Why no keywords: "sk" and "ac" are in most English text; the regexp's own literal search is cheaper.
    { keywords: [], accept: mixed },
  ),
  content(
    'sendgrid-api-key',
    'SendGrid API key (SG.)',
    String.raw`(?<![A-Za-z0-9_-])SG\.(?<secret>[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])`,
    { keywords: ['sg.'] },
  ),
  content(
    'npm-token',
    'npm access token (npm_)',
    String.raw`(?<![A-Za-z0-9_])npm_(?<secret>[A-Za-z0-9]{36})(?![A-Za-z0-9_])`,
    {
      keywords: ['npm_'],
      accept: mixed,
    },
  ),
  content(
    'npmrc-auth-token',
    '.npmrc registry credential (_authToken=, _auth=, _password=)',
    String.raw`(?<=^|:)(?:_authToken|_auth|_password)[ \t]*=[ \t]*(?<secret>[^\s"']{8,})`,
    { keywords: ['_auth', '_password'], flags: 'm', accept: real },
  ),
  content(
    'azure-storage-key',
    'Azure storage or service bus key in a connection string (AccountKey=, SharedAccessKey=)',
    String.raw`(?:AccountKey|SharedAccessKey)=(?<secret>[A-Za-z0-9+/]{40,}={0,2})`,
    { keywords: ['accountkey=', 'sharedaccesskey='] },
  ),
];

/** All built-in rules. The policy's extra globs are reported under POLICY_NAME_RULE_ID. */
export const GUARD_RULES: readonly GuardRule[] = [...NAME_RULES, ...CONTENT_RULES];

/** Rule id for a hit on one of the role policy's `guard_blocked_names` globs. */
export const POLICY_NAME_RULE_ID = 'policy-blocked-name';
