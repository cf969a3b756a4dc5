/**
 * The ordinary-notes corpus (issue 12): what a small business's vault holds day to day — the hackathon's
 * templates (dashboard, handbook, goals, CEO briefing, plans, approvals), invoices with IBANs and amounts,
 * email threads, meeting notes, bank exports — generated from templates with a seeded PRNG, in the
 * encodings such files arrive in, plus a few images and PDFs. The guard must raise nothing on any of it.
 */
import { prng, type Rng } from './prng.js';
import { ALNUM, B64URL, DIGITS, HEX, fake } from './guard-samples.js';

export interface NoteFile {
  readonly path: string;
  readonly bytes: Buffer;
  /** What template made it (for messages). */
  readonly kind: string;
}

const FIRST = ['Jane', 'Omar', 'Lena', 'Pieter', 'Aisha', 'Marco', 'Chloé', 'Søren', 'Yuki', 'Fatima', 'Tom', 'Ines'];
const LAST = ['Schmidt', 'Haddad', 'Novak', 'de Vries', 'Khan', 'Rossi', 'Dubois', 'Jensen', 'Tanaka', 'Silva'];
const COMPANIES = [
  'Acme Trading GmbH',
  'Blue Harbour Ltd',
  'Café Lumière SARL',
  'Nordlicht Design AB',
  'Verde Logistics BV',
  'Sakura Imports KK',
  'Atlas Consulting LLC',
  'Olive & Thyme Catering',
];
const PRODUCTS = [
  'Consulting (hours)',
  'Website maintenance',
  'Catering for 40 guests',
  'Office chairs',
  'Annual software licence',
  'Delivery and handling',
  'Design workshop',
  'Translation, 12 pages',
];
const TOPICS = [
  'Q3 planning',
  'the December invoice',
  'the new product launch',
  'our supplier contract',
  'the website redesign',
  'hiring a part-time bookkeeper',
  'the trade fair in Milan',
];
const COUNTRIES: ReadonlyArray<[string, number, string]> = [
  // country, BBAN length, BBAN alphabet
  ['DE', 18, DIGITS],
  ['FR', 23, DIGITS],
  ['NL', 14, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'],
  ['ES', 20, DIGITS],
  ['IT', 23, DIGITS],
  ['BE', 12, DIGITS],
];

const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.int(items.length)] as T;
const person = (rng: Rng) => `${pick(rng, FIRST)} ${pick(rng, LAST)}`;
const email = (name: string, company: string) =>
  `${name
    .split(' ')[0]
    ?.toLowerCase()
    .normalize('NFD')
    .replace(/[^a-z]/g, '')}@${company
    .toLowerCase()
    .split(' ')[0]
    ?.normalize('NFD')
    .replace(/[^a-z]/g, '')}.example`;
const money = (rng: Rng, max: number) => (rng.int(max * 100) / 100 + 10).toFixed(2);
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const date = (rng: Rng) => `2026-${pad(1 + rng.int(12))}-${pad(1 + rng.int(28))}`;
const chars = (rng: Rng, n: number, alphabet: string) =>
  Array.from({ length: n }, () => alphabet[rng.int(alphabet.length)]).join('');

/** A valid IBAN (ISO 13616 mod-97 check digits), grouped by four as printed on invoices. */
export function iban(rng: Rng): string {
  const [country, length, alphabet] = pick(rng, COUNTRIES);
  const bban = chars(rng, length, alphabet);
  const numeric = (s: string) => [...s].map((c) => (/[A-Z]/.test(c) ? String(c.charCodeAt(0) - 55) : c)).join('');
  let rest = 0;
  for (const d of numeric(`${bban}${country}00`)) rest = (rest * 10 + Number(d)) % 97;
  const iban = `${country}${pad(98 - rest)}${bban}`;
  return iban.replace(/(.{4})/g, '$1 ').trim();
}

function invoice(rng: Rng, n: number): string {
  const seller = pick(rng, COMPANIES);
  const buyer = pick(
    rng,
    COMPANIES.filter((c) => c !== seller),
  );
  const lines = Array.from({ length: 1 + rng.int(4) }, () => {
    const qty = 1 + rng.int(20);
    const price = money(rng, 400);
    return { item: pick(rng, PRODUCTS), qty, price, total: (qty * Number(price)).toFixed(2) };
  });
  const net = lines.reduce((s, l) => s + Number(l.total), 0);
  const vat = net * 0.19;
  return [
    '---',
    'type: invoice',
    `invoice_number: INV/2026/${pad(n, 4)}`,
    `partner: "${buyer}"`,
    `amount_total: ${(net + vat).toFixed(2)}`,
    'currency: EUR',
    `due: ${date(rng)}`,
    `odoo_id: ${1000 + n}`,
    '---',
    '',
    `# Invoice INV/2026/${pad(n, 4)}`,
    '',
    `**From:** ${seller}, VAT DE${chars(rng, 9, DIGITS)}  `,
    `**To:** ${buyer}, Musterstraße ${1 + rng.int(200)}, 10115 Berlin`,
    '',
    '| Item | Qty | Unit price | Total |',
    '| --- | ---: | ---: | ---: |',
    ...lines.map((l) => `| ${l.item} | ${l.qty} | ${l.price} € | ${l.total} € |`),
    `| **Net** | | | ${net.toFixed(2)} € |`,
    `| VAT 19 % | | | ${vat.toFixed(2)} € |`,
    `| **Total due** | | | ${(net + vat).toFixed(2)} € |`,
    '',
    'Payment by bank transfer within 14 days:',
    '',
    `- IBAN: ${iban(rng)}`,
    `- BIC: ${chars(rng, 4, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')}DE${chars(rng, 2, 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789')}XXX`,
    `- Reference: RF${pad(rng.int(99))} ${chars(rng, 4, DIGITS)} ${chars(rng, 4, DIGITS)} ${chars(rng, 4, DIGITS)}`,
    `- Customer number: C-${chars(rng, 6, DIGITS)}, order PO-${chars(rng, 8, ALNUM.slice(26))}`,
    '',
  ].join('\n');
}

function emailThread(rng: Rng, n: number): string {
  const a = person(rng);
  const b = person(rng);
  const ca = pick(rng, COMPANIES);
  const cb = pick(rng, COMPANIES);
  const topic = pick(rng, TOPICS);
  const gmailId = fake(9000 + n, 16, HEX);
  const quote = rng.chance(0.5);
  const extras = [
    `To stop these emails, unsubscribe: https://news.${cb.split(' ')[0]?.toLowerCase()}.example/unsubscribe?token=${fake(9100 + n, 32, HEX)}&list=weekly`,
    `Track your parcel: https://track.example/parcel?id=${chars(rng, 18, DIGITS)}&utm_source=email&utm_medium=transactional&utm_campaign=ship_${n}`,
    `Your verification code is ${chars(rng, 6, DIGITS)}. It expires in 10 minutes; never share it.`,
    'I reset my password for the portal yesterday; the new one works. Password policy: 12 characters minimum.',
    `Meeting link: https://meet.example/j/${chars(rng, 11, DIGITS)} (passcode sent separately)`,
    `Please find the signed contract attached (contract_${n}.pdf, sha256 ${fake(9200 + n, 64, HEX)}).`,
    'Our API access token expires at the end of the month; IT will rotate it, nothing to do on your side.',
    'P.S. a small token of appreciation is on its way: thank you for the quick turnaround!',
  ];
  return [
    '---',
    `id: gmail:${gmailId}`,
    'type: email',
    'source: gmail',
    `created: ${date(rng)}T${pad(rng.int(24))}:${pad(rng.int(60))}:00Z`,
    'status: new',
    `priority: ${pick(rng, ['low', 'normal', 'high'])}`,
    `from: "${a} <${email(a, ca)}>"`,
    `subject: "Re: ${topic}"`,
    `thread_id: ${fake(9300 + n, 16, HEX)}`,
    `message_id: "<${fake(9400 + n, 24, ALNUM)}@mail.${ca.split(' ')[0]?.toLowerCase()}.example>"`,
    '---',
    '',
    `Hi ${b.split(' ')[0]},`,
    '',
    `Thanks for your note about ${topic}. ${pick(rng, [
      'Could you send the updated quote by Friday?',
      'We agree with the proposal and the price of ' + money(rng, 5000) + ' EUR.',
      'Let us move the call to Tuesday at 10:00.',
      'The goods arrived in good order; the invoice is approved on our side.',
    ])}`,
    '',
    pick(rng, extras),
    '',
    `Best regards,  \n${a}  \n${ca}  \nPhone +49 30 ${chars(rng, 7, DIGITS)}`,
    '',
    ...(quote
      ? [
          `> On ${date(rng)} ${b} <${email(b, cb)}> wrote:`,
          `> Hello ${a.split(' ')[0]}, following up on ${topic}.`,
          `> Our order reference is ${chars(rng, 10, ALNUM.slice(26))}; the amount is ${money(rng, 9000)} EUR.`,
          '',
        ]
      : []),
  ].join('\n');
}

function meetingNotes(rng: Rng, n: number): string {
  const people = Array.from({ length: 2 + rng.int(4) }, () => person(rng));
  return [
    `# Meeting notes: ${pick(rng, TOPICS)} (${date(rng)})`,
    '',
    `Attendees: ${people.join(', ')}`,
    `Location: ${pick(rng, ['office, room 2', 'video call', 'the client site in Lyon', 'café downstairs'])}`,
    '',
    '## Agenda',
    '',
    '1. Status of open invoices',
    '2. Budget for next quarter',
    '3. Security: password manager roll-out, API keys live only in the .env of each machine',
    '',
    '## Decisions',
    '',
    `- Budget approved: ${money(rng, 20000)} EUR for ${pick(rng, ['marketing', 'hardware', 'travel', 'training'])}.`,
    `- Payment terms stay at 30 days; late fee ${1 + rng.int(5)} %.`,
    '- Nobody shares passwords by email; secrets are rotated after staff changes.',
    '',
    '## Action items',
    '',
    ...people.map(
      (p, i) =>
        `- [${rng.chance(0.3) ? 'x' : ' '}] ${p}: ${pick(rng, PRODUCTS).toLowerCase()} by ${date(rng)} (#${n}-${i})`,
    ),
    '',
    `Recording: https://drive.example/file/d/${fake(9500 + n, 33, B64URL)}/view?usp=sharing`,
    '',
  ].join('\n');
}

function bankCsv(rng: Rng, n: number): string {
  const rows = ['Date;Description;Counterparty IBAN;Amount;Balance'];
  let balance = Number(money(rng, 30000));
  for (let i = 0; i < 10 + rng.int(30); i++) {
    const amount = (rng.chance(0.5) ? 1 : -1) * Number(money(rng, 2000));
    balance += amount;
    rows.push(
      `${date(rng)};${pick(rng, ['SEPA transfer', 'Card payment', 'Direct debit', 'Salary'])} ${pick(rng, COMPANIES)} ref ${chars(rng, 12, ALNUM.slice(26))};${iban(rng)};${amount.toFixed(2).replace('.', ',')};${balance.toFixed(2).replace('.', ',')}`,
    );
  }
  return rows.join('\n') + `\n# export ${n}\n`;
}

function approval(rng: Rng, n: number): string {
  const uuid = `${fake(9600 + n, 8, HEX)}-${fake(9601 + n, 4, HEX)}-4${fake(9602 + n, 3, HEX)}-a${fake(9603 + n, 3, HEX)}-${fake(9604 + n, 12, HEX)}`;
  return [
    '---',
    'type: approval_request',
    `id: approval:${uuid}`,
    `action: ${pick(rng, ['send_email', 'post_invoice', 'register_payment', 'post_social'])}`,
    `amount: ${money(rng, 3000)}`,
    'currency: EUR',
    `created: ${date(rng)}T08:12:00Z`,
    'status: pending',
    'requested_by: cloud',
    `content_sha256: ${fake(9605 + n, 64, HEX)}`,
    `idempotency_key: ${uuid}`,
    '---',
    '',
    `Approving ${pick(rng, ['sends the reply', 'posts the invoice', 'registers the payment'])} for ${pick(rng, COMPANIES)}.`,
    'Move this file to Approved/ to go ahead, or to Rejected/.',
    '',
  ].join('\n');
}

function template(rng: Rng, n: number): string {
  const which = n % 5;
  if (which === 0)
    return [
      '---',
      `last_updated: ${date(rng)}`,
      '---',
      '# Business Goals',
      '',
      `- Monthly revenue target: ${money(rng, 50000)} EUR (current MTD ${money(rng, 20000)} EUR)`,
      `- Client response time < 24 h; invoice payment rate > ${80 + rng.int(20)} %`,
      '- Software costs < 500 EUR/month; flag any subscription unused for 30 days',
      '',
    ].join('\n');
  if (which === 1)
    return [
      '# Company Handbook',
      '',
      '- Always be polite on WhatsApp; flag any payment over 500 EUR for approval.',
      '- Never paste a password, API key, token or private key into the vault: the guard blocks the sync.',
      '- The Odoo API key lives in `.env` (ODOO_API_KEY), never here; use `ODOO_API_KEY=<your key>` in docs.',
      '- Bearer tokens and refresh tokens stay on each machine.',
      '',
    ].join('\n');
  if (which === 2)
    return [
      `# Monday Morning CEO Briefing (${date(rng)})`,
      '',
      '## Revenue',
      '',
      `- This week: ${money(rng, 9000)} EUR; MTD: ${money(rng, 30000)} EUR (${40 + rng.int(60)} % of target)`,
      '',
      '## Bottlenecks',
      '',
      '| Task | Expected | Actual | Delay |',
      '| --- | --- | --- | --- |',
      `| Client proposal | 2 days | ${2 + rng.int(5)} days | +${rng.int(4)} days |`,
      '',
      '## Proactive suggestions',
      '',
      `- Cancel the unused design tool subscription (${money(rng, 50)} EUR/month)?`,
      '',
    ].join('\n');
  if (which === 3)
    return [
      '---',
      `created: ${date(rng)}T10:00:00Z`,
      'status: pending_approval',
      '---',
      `## Objective: invoice ${pick(rng, COMPANIES)}`,
      '',
      '- [x] Identify the client and the amount',
      `- [x] Draft the invoice in Odoo (draft id ${rng.int(9999)})`,
      '- [ ] Approval to post (file in Pending_Approval/)',
      '- [ ] Send by email after approval',
      '',
    ].join('\n');
  return [
    '---',
    `updated: ${date(rng)}T09:00:00Z`,
    '---',
    '# Dashboard',
    '',
    '| Queue | Count |',
    '| --- | --- |',
    `| Needs_Action | ${rng.int(30)} |`,
    `| Pending_Approval | ${rng.int(6)} |`,
    '',
    `Last sync: ${date(rng)} (commit ${fake(9700 + n, 40, HEX)}), guard: OK.`,
    '',
  ].join('\n');
}

const KINDS: ReadonlyArray<[string, string, (rng: Rng, n: number) => string]> = [
  ['invoice', 'Accounting/Invoices', invoice],
  ['email', 'Needs_Action', emailThread],
  ['meeting', 'Plans/Meetings', meetingNotes],
  ['bank-export', 'Accounting/Bank', bankCsv],
  ['approval', 'Pending_Approval', approval],
  ['template', 'Briefings', template],
];

/** A tiny but well-formed PNG, JPEG or PDF header followed by binary bytes (an attachment in Inbox/). */
function binaryAttachment(rng: Rng, kind: 'png' | 'jpg' | 'pdf' | 'webp' | 'gif'): Buffer {
  const body = Buffer.from(Array.from({ length: 2048 + rng.int(4096) }, () => rng.int(256)));
  const head: Record<typeof kind, Buffer> = {
    png: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]),
    jpg: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0]),
    pdf: Buffer.from(
      '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Filter /FlateDecode /Length 2048 >>\nstream\n',
      'latin1',
    ),
    webp: Buffer.concat([Buffer.from('RIFF'), Buffer.from([0, 16, 0, 0]), Buffer.from('WEBPVP8 ')]),
    gif: Buffer.from('GIF89a\x01\x00\x01\x00\x80\x00\x00', 'latin1'),
  };
  return Buffer.concat([head[kind], body]);
}

/** How a note's text is stored: mostly UTF-8, some as Windows tools write them. */
function encode(rng: Rng, text: string, kind: string): { bytes: Buffer; ext: string } {
  const roll = rng.int(10);
  const ext = kind === 'bank-export' ? 'csv' : 'md';
  if (roll === 0)
    return {
      bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
      ext: kind === 'bank-export' ? 'csv' : 'txt',
    };
  if (roll === 1) return { bytes: Buffer.from(text.replace(/€/g, '\x80').replace(/\n/g, '\r\n'), 'latin1'), ext };
  if (roll === 2) return { bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]), ext };
  if (roll === 3) return { bytes: Buffer.from(text, 'utf16le'), ext: 'txt' };
  return { bytes: Buffer.from(text, 'utf8'), ext };
}

/** `count` ordinary notes (at least 200 by default) and a few binary attachments of the allowed types. */
export function businessNotes(count = 240, seed = 12): NoteFile[] {
  const rng = prng(seed);
  const files: NoteFile[] = [];
  for (let n = 0; n < count; n++) {
    const [kind, folder, make] = KINDS[n % KINDS.length] as (typeof KINDS)[number];
    const { bytes, ext } = encode(rng, make(rng, n), kind);
    files.push({ kind, path: `${folder}/${kind}_${pad(n, 3)}.${ext}`, bytes });
  }
  const binaries = ['png', 'jpg', 'pdf', 'webp', 'gif'] as const;
  for (let i = 0; i < 10; i++) {
    const type = binaries[i % binaries.length] as (typeof binaries)[number];
    files.push({
      kind: `attachment-${type}`,
      path: `Inbox/scan_${pad(i)}.${type}`,
      bytes: binaryAttachment(rng, type),
    });
  }
  return files;
}
