/**
 * The secret corpus (issue 12): fake secrets of every shape the guard must block, in the wrappings people
 * paste them in (env lines, YAML, JSON, URLs, mail quotes, base64) and the encodings files arrive in
 * (UTF-8 with and without BOM, CRLF, stray NULs, UTF-16 and UTF-32 with and without BOM, files over
 * 2 MiB, a secret across a read-chunk boundary). Everything is generated here at run time from a seed;
 * the repository never holds a literal secret shape (see guard-samples.ts).
 */
import { ALNUM, B64, B64URL, DIGITS, HEX, UPPER, fake } from './guard-samples.js';

/** How a sample's text becomes bytes on disk. */
export type CorpusEncoding =
  | 'utf8'
  | 'utf8-bom'
  | 'utf8-crlf'
  | 'utf8-nul'
  | 'utf16le-bom'
  | 'utf16be-bom'
  | 'utf16le'
  | 'utf16be'
  | 'utf32le-bom'
  | 'large'
  | 'chunk-edge';

export const CORPUS_ENCODINGS: readonly CorpusEncoding[] = [
  'utf8',
  'utf8-bom',
  'utf8-crlf',
  'utf8-nul',
  'utf16le-bom',
  'utf16be-bom',
  'utf16le',
  'utf16be',
  'utf32le-bom',
  'large',
  'chunk-edge',
];

export interface CorpusSecret {
  /** What kind of secret, e.g. `x-bearer-env`. */
  readonly kind: string;
  /** The rule ids any one of which may block it (a shape can be caught by a specific or a general rule). */
  readonly rules: readonly string[];
  /** The line holding the secret, wrapped as it would be pasted. */
  readonly line: string;
  /** The secret value itself: it must never appear in any output, nor on the remote. */
  readonly secret: string;
}

export interface CorpusSample extends CorpusSecret {
  readonly path: string;
  readonly encoding: CorpusEncoding;
  readonly bytes: Buffer;
}

/** The read-chunk size the `chunk-edge` samples straddle (the guard's default, 1 MiB). */
export const CORPUS_CHUNK_BYTES = 1024 * 1024;

const begin = '-----BEGIN ';
const end = '-----END ';

function pem(label: string, seed: number): string {
  const body = Array.from({ length: 12 }, (_, i) => fake(seed + i, 64, B64)).join('\n');
  return `${begin}${label}-----\n${body}\n${end}${label}-----\n`;
}

/** Base64 of `text`, on one line or wrapped at `width` like MIME (76) and PEM (64) do. */
function base64(text: string, width = 0, indent = ''): string {
  const all = Buffer.from(text, 'utf8').toString('base64');
  if (width === 0) return all;
  const lines: string[] = [];
  for (let i = 0; i < all.length; i += width) lines.push(indent + all.slice(i, i + width));
  return lines.join('\n');
}

/** Every secret shape with its wrappings. The secret strings are built from pieces so no source line holds one. */
export function corpusSecrets(): CorpusSecret[] {
  const out: CorpusSecret[] = [];
  const add = (kind: string, rules: readonly string[], before: string, secret: string, after = '') =>
    out.push({ kind, rules, line: `${before}${secret}${after}`, secret });
  let seed = 500;
  const s = () => (seed += 7);

  // X / Twitter app bearer tokens: 21 A's, then base62 with %-escapes.
  const xBearer = () => 'A'.repeat(21) + fake(s(), 30) + '%2B' + fake(s(), 20) + '%3D' + fake(s(), 40);
  const bearerRules = ['twitter-bearer-token', 'token-assignment', 'authorization-bearer'];
  add('x-bearer-env', bearerRules, 'X_BEARER_TOKEN=', xBearer());
  add('x-bearer-yaml', bearerRules, 'twitter_bearer_token: ', xBearer());
  add('x-bearer-json', bearerRules, '{"bearerToken": "', xBearer(), '"}');
  add('x-bearer-header', bearerRules, 'curl -H "Authorization: Bearer ', xBearer(), '" https://api.x.com/2/users/me');

  // Access, bearer and refresh tokens of no known shape, assigned with = or :.
  const tokenRules = ['token-assignment', 'generic-secret-assignment', 'authorization-bearer'];
  add('access-token-colon', tokenRules, 'access_token: ', fake(s(), 48, B64URL));
  add('access-token-env', tokenRules, 'ACCESS_TOKEN=', fake(s(), 40));
  add('bearer-token-env', tokenRules, 'API_BEARER_TOKEN=', fake(s(), 64, B64URL));
  add('auth-token-json', tokenRules, '{"auth_token":"', fake(s(), 32, HEX + 'ABCDEF'), '"}');
  add('refresh-token-yaml', tokenRules, '  refresh_token: "', fake(s(), 56, B64URL), '"');
  add(
    'slack-bot-token-env',
    tokenRules,
    'DISCORD_BOT_TOKEN=',
    `${fake(s(), 24)}.${fake(s(), 6)}.${fake(s(), 27, B64URL)}`,
  );
  add('header-bearer', tokenRules, 'Authorization: Bearer ', fake(s(), 40, B64URL));

  // Meta (Facebook / Instagram Graph) and Instagram tokens.
  const metaRules = ['facebook-access-token', 'token-assignment', 'generic-secret-assignment'];
  add('meta-page-token-env', metaRules, 'FACEBOOK_PAGE_TOKEN=', 'EA' + 'AB' + fake(s(), 180));
  add(
    'meta-token-url',
    metaRules,
    'GET https://graph.facebook.com/v19.0/me?access_token=',
    'EA' + 'AG' + fake(s(), 150),
    '&fields=id',
  );
  add('meta-token-note', metaRules, 'The new page token is ', 'EA' + 'AJ' + fake(s(), 120), ' (valid 60 days).');
  const igRules = ['instagram-access-token', 'token-assignment', 'generic-secret-assignment'];
  add('instagram-token-env', igRules, 'INSTAGRAM_TOKEN=', 'IG' + 'QVJ' + fake(s(), 160, B64URL));
  add('instagram-token-yaml', igRules, 'instagram_access_token: ', 'IG' + 'QWR' + fake(s(), 150, B64URL));
  add('instagram-login-token', igRules, 'token for the shop: ', 'IG' + 'AA' + fake(s(), 140, B64URL));

  // PEM private keys, base64-wrapped: one line (a Kubernetes secret, an env var), MIME-wrapped, nested JSON.
  const b64Rules = ['base64-private-key'];
  for (const [i, label] of [
    'RSA PRIVATE' + ' KEY',
    'PRIVATE' + ' KEY',
    'EC PRIVATE' + ' KEY',
    'OPENSSH PRIVATE' + ' KEY',
  ].entries()) {
    const key = pem(label, s());
    add(`base64-pem-line-${i}`, b64Rules, '  tls.key: ', base64(key));
    add(`base64-pem-mime-${i}`, b64Rules, 'Content-Transfer-Encoding: base64\n\n', base64(key, 76));
  }
  add('base64-pem-env', b64Rules, 'SSH_PRIVATE_KEY_B64=', base64(pem('OPENSSH PRIVATE' + ' KEY', s())));
  add('base64-pem-yaml-block', b64Rules, 'key: |\n', base64(pem('RSA PRIVATE' + ' KEY', s()), 64, '  '));
  add(
    'base64-service-account',
    b64Rules,
    'GOOGLE_CREDENTIALS_B64=',
    base64(JSON.stringify({ type: 'service_account', private_key: pem('PRIVATE' + ' KEY', s()) })),
  );
  add('base64-pem-offset-1', b64Rules, 'blob: ', base64('x' + pem('PRIVATE' + ' KEY', s())));
  add('base64-pem-offset-2', b64Rules, 'blob: ', base64('xy' + pem('EC PRIVATE' + ' KEY', s())));

  // Google OAuth refresh tokens: plain, URL-encoded, double-encoded, JSON-escaped.
  const googleRules = ['google-oauth-refresh-token'];
  const refresh = () => fake(s(), 100, B64URL);
  add('google-refresh-plain', googleRules, 'refresh: 1//0', refresh());
  add('google-refresh-urlenc', googleRules, 'refresh_token=1%2F%2F0', refresh(), '&grant_type=refresh_token');
  add('google-refresh-urlenc-lower', googleRules, 'token 1%2f%2f0', refresh());
  add('google-refresh-double', googleRules, 'state=refresh_token%3D1%252F%252F0', refresh());
  add('google-refresh-json-escaped', googleRules, '{"refresh_token": "1\\/\\/0', refresh(), '"}');

  // Odoo API keys and passwords.
  const odooRules = ['odoo-api-key'];
  add('odoo-env', odooRules, 'ODOO_API_KEY=', fake(s(), 40, HEX));
  add('odoo-export', odooRules, "export ODOO_API_KEY='", fake(s(), 40, HEX), "'");
  add('odoo-json', odooRules, '{"ODOO_API_KEY": "', fake(s(), 40, HEX), '"}');
  add('odoo-yaml-lower', odooRules, 'odoo_api_key: ', fake(s(), 40, HEX));
  add('odoo-password', odooRules, 'ODOO_PASSWORD=', fake(s(), 20, ALNUM + '!#%'));
  add('odoo-dotted', odooRules, 'odoo.api_key = ', fake(s(), 40, HEX));

  // Anthropic and OpenAI keys.
  add(
    'anthropic-env',
    ['anthropic-api-key'],
    'ANTHROPIC_API_KEY=',
    'sk-' + 'ant-api03-' + fake(s(), 93, B64URL) + 'AA',
  );
  add('anthropic-json', ['anthropic-api-key'], '{"apiKey":"', 'sk-' + 'ant-admin01-' + fake(s(), 93, B64URL), '"}');
  add('openai-proj', ['openai-api-key'], 'OPENAI_API_KEY=', 'sk-' + 'proj-' + fake(s(), 156, B64URL));
  add('openai-legacy', ['openai-api-key'], 'key: ', 'sk-' + fake(s(), 20) + 'T3Blbk' + 'FJ' + fake(s(), 20));
  add('openai-svcacct', ['openai-api-key'], 'export OPENAI_API_KEY=', 'sk-' + 'svcacct-' + fake(s(), 120, B64URL));

  // A few of the older shapes, so each encoding is tried on them too.
  add('aws-key-id', ['aws-access-key-id'], 'aws_access_key_id = ', 'AK' + 'IA' + fake(s(), 16, UPPER + DIGITS));
  add('github-token', ['github-token'], 'GITHUB_TOKEN=', 'gh' + 'p_' + fake(s(), 36));
  const plain = pem('RSA PRIVATE' + ' KEY', s()).trimEnd();
  const cut = plain.indexOf('\n') + 1;
  add('pem-plain', ['private-key-block'], plain.slice(0, cut), plain.slice(cut));
  return out;
}

const NOTE_BEFORE = '---\ntype: note\ncreated: 2026-01-05T09:00:00Z\n---\n\n# Notes from the call\n\nAs discussed:\n\n';
const NOTE_AFTER = '\n\nThanks, Jane\n';

/** A line of filler prose, for large files. */
const FILLER = 'Filler line of an ordinary long note, repeated to push the secret far into the file.\n';

/** The sample's text as bytes in `encoding`. */
export function encodeText(text: string, encoding: CorpusEncoding, secret = ''): Buffer {
  switch (encoding) {
    case 'utf8':
      return Buffer.from(text, 'utf8');
    case 'utf8-bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'utf8-crlf':
      return Buffer.from(text.replace(/\n/g, '\r\n'), 'utf8');
    case 'utf8-nul':
      // NUL bytes in the lines around the secret (a pasted terminal capture, a half-binary export).
      return Buffer.from(`\0\0header\0${text.replace(/\n\n/g, '\n\0\n')}\0`, 'utf8');
    case 'utf16le-bom':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    case 'utf16le':
      return Buffer.from(text, 'utf16le');
    case 'utf16be-bom':
      return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    case 'utf16be':
      return Buffer.from(text, 'utf16le').swap16();
    case 'utf32le-bom': {
      const points = [...text].map((c) => c.codePointAt(0) ?? 0);
      const out = Buffer.alloc(4 + points.length * 4);
      out.writeUInt32LE(0xfeff, 0);
      points.forEach((p, i) => out.writeUInt32LE(p, 4 + i * 4));
      return out;
    }
    case 'large': {
      // 2.5 MiB of prose first: the secret sits beyond the old 2 MiB limit.
      const filler = FILLER.repeat(Math.ceil((2.5 * 1024 * 1024) / FILLER.length));
      return Buffer.from(filler + text, 'utf8');
    }
    case 'chunk-edge': {
      // The secret starts 20 bytes before the 1 MiB read-chunk boundary, so it straddles it.
      const at = Math.max(0, text.indexOf(secret));
      const lineStart = text.lastIndexOf('\n', at - 1) + 1;
      const head = Buffer.from(text.slice(0, lineStart), 'utf8');
      const before = Buffer.byteLength(text.slice(lineStart, at), 'utf8');
      const pad = CORPUS_CHUNK_BYTES - 20 - head.length - before;
      const padding = FILLER.repeat(Math.ceil(pad / FILLER.length)).slice(0, pad - 1) + '\n';
      return Buffer.concat([head, Buffer.from(padding, 'utf8'), Buffer.from(text.slice(lineStart), 'utf8')]);
    }
  }
}

/**
 * The corpus: every secret in a note, each in a different encoding (cycling through all of them), plus
 * every encoding once more for the shapes the issue names. At least 100 samples.
 */
export function corpusSamples(): CorpusSample[] {
  const secrets = corpusSecrets();
  const samples: CorpusSample[] = [];
  const push = (secret: CorpusSecret, encoding: CorpusEncoding, n: number) => {
    const text = `${NOTE_BEFORE}${secret.line}${NOTE_AFTER}`;
    const ext = encoding.startsWith('utf16') || encoding.startsWith('utf32') ? 'txt' : 'md';
    samples.push({
      ...secret,
      encoding,
      path: `Inbox/corpus/${String(n).padStart(3, '0')}_${secret.kind}_${encoding}.${ext}`,
      bytes: encodeText(text, encoding, secret.secret),
    });
  };
  let n = 0;
  secrets.forEach((secret, i) => push(secret, CORPUS_ENCODINGS[i % CORPUS_ENCODINGS.length] ?? 'utf8', n++));
  // The issue's own cases, each in every encoding.
  const named = ['x-bearer-env', 'instagram-token-env', 'base64-pem-line-0', 'google-refresh-urlenc', 'odoo-env'];
  for (const kind of named) {
    const secret = secrets.find((x) => x.kind === kind);
    if (!secret) throw new Error(`corpus: no secret of kind ${kind}`);
    for (const encoding of CORPUS_ENCODINGS) push(secret, encoding, n++);
  }
  return samples;
}

/** The bytes a sample's secret takes in the sample's encoding (to look for it among the remote's blobs). */
export function encodedSecret(sample: CorpusSample): Buffer {
  const enc = sample.encoding;
  if (enc.startsWith('utf16le')) return Buffer.from(sample.secret, 'utf16le');
  if (enc.startsWith('utf16be')) return Buffer.from(sample.secret, 'utf16le').swap16();
  if (enc.startsWith('utf32le')) return encodeText(sample.secret, 'utf32le-bom').subarray(4);
  return Buffer.from(sample.secret, 'utf8');
}
