import assert from 'node:assert/strict';
import type { RunningOdooStandin } from '../../src/sandbox/odoo/index.js';

/**
 * Raw wire access to the Odoo stand-in for the real-row tests: requests built by hand and answers read as
 * text, so neither the client's nor the stand-in's own serialisation vouches for what is on the wire.
 */
export interface RawAnswer {
  status: number;
  contentType: string;
  headers: Headers;
  text: string;
}

export interface Json2RawOptions {
  /** The bearer key; default the stand-in's. `null` sends no Authorization header. */
  key?: string | null;
  /** X-Odoo-Database; default the stand-in's. `null` sends none. */
  db?: string | null;
  /** Default `application/json`. `null` sends none. */
  contentType?: string | null;
  /** Default POST. */
  httpMethod?: string;
  /** Extra or replacing headers. */
  headers?: Record<string, string>;
}

async function answer(res: Response): Promise<RawAnswer> {
  return {
    status: res.status,
    contentType: res.headers.get('content-type') ?? '',
    headers: res.headers,
    text: await res.text(),
  };
}

/** `POST /json/2/<route>` with `body` as JSON (or as is, when a string). */
export async function json2Raw(
  s: RunningOdooStandin,
  route: string,
  body: unknown,
  o: Json2RawOptions = {},
): Promise<RawAnswer> {
  const headers: Record<string, string> = {};
  const key = o.key === undefined ? s.apiKey : o.key;
  if (key !== null) headers['Authorization'] = `bearer ${key}`;
  const db = o.db === undefined ? s.db : o.db;
  if (db !== null) headers['X-Odoo-Database'] = db;
  const contentType = o.contentType === undefined ? 'application/json' : o.contentType;
  if (contentType !== null) headers['Content-Type'] = contentType;
  const method = o.httpMethod ?? 'POST';
  const res = await fetch(`${s.url}/json/2/${route}`, {
    method,
    headers: { ...headers, ...o.headers },
    body: method === 'GET' ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return answer(res);
}

/** A 200 JSON answer's value. */
export function json2Value(a: RawAnswer): unknown {
  assert.equal(a.status, 200, a.text);
  assert.match(a.contentType, /^application\/json/);
  return JSON.parse(a.text);
}

export interface ExpectedJson2Error {
  status: number;
  name: string;
  message: string | RegExp;
}

/**
 * Odoo 19's error body: exactly `{name, message, arguments, context, debug}`, `context` empty, `arguments`
 * `[message, status]` for werkzeug's errors and `[message]` for Odoo's and Python's, `debug` a full traceback
 * whose last line names the exception.
 */
export function assertJson2Error(a: RawAnswer, e: ExpectedJson2Error): Record<string, unknown> {
  assert.equal(a.status, e.status, a.text);
  assert.match(a.contentType, /^application\/json/);
  const body = JSON.parse(a.text) as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), ['arguments', 'context', 'debug', 'message', 'name']);
  assert.equal(body['name'], e.name);
  const message = String(body['message']);
  if (typeof e.message === 'string') assert.equal(message, e.message);
  else assert.match(message, e.message);
  const werkzeug = e.name.startsWith('werkzeug.exceptions.');
  assert.deepEqual(body['arguments'], werkzeug ? [message, e.status] : [message]);
  assert.deepEqual(body['context'], {});
  const debug = String(body['debug']);
  assert.match(debug, /^Traceback \(most recent call last\):\n {2}File "/);
  // The exception line follows the frames; a multi-line message continues it to the end.
  const shown = e.name.replace(/^builtins\./, '');
  assert.ok(debug.includes(`\n${shown}: `) && debug.endsWith('\n'), `traceback names ${shown}: ${debug}`);
  return body;
}

/** A value as Python's xmlrpc.client would send it (integral numbers as ints). */
export type XmlRpcValue = string | number | boolean | XmlRpcValue[] | { [key: string]: XmlRpcValue };

const escapeXml = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const unescapeXml = (t: string) =>
  t
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

export function xmlValue(v: XmlRpcValue): string {
  if (typeof v === 'string') return `<value><string>${escapeXml(v)}</string></value>`;
  if (typeof v === 'boolean') return `<value><boolean>${v ? 1 : 0}</boolean></value>`;
  if (typeof v === 'number')
    return Number.isInteger(v) ? `<value><int>${v}</int></value>` : `<value><double>${v}</double></value>`;
  if (Array.isArray(v)) return `<value><array><data>${v.map(xmlValue).join('')}</data></array></value>`;
  const members = Object.entries(v).map(([k, x]) => `<member><name>${escapeXml(k)}</name>${xmlValue(x)}</member>`);
  return `<value><struct>${members.join('')}</struct></value>`;
}

export async function xmlrpcRaw(
  s: RunningOdooStandin,
  service: 'common' | 'object',
  methodName: string,
  params: XmlRpcValue[],
): Promise<RawAnswer> {
  const body =
    `<?xml version="1.0"?>\n<methodCall><methodName>${methodName}</methodName><params>` +
    params.map((p) => `<param>${xmlValue(p)}</param>`).join('') +
    '</params></methodCall>';
  return answer(
    await fetch(`${s.url}/xmlrpc/2/${service}`, { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body }),
  );
}

/** `object.execute_kw(db, uid, key, model, method, args, kwargs)`; uid 2 (the bot) and the stand-in's key by default. */
export function executeKwRaw(
  s: RunningOdooStandin,
  model: string,
  method: string,
  args: XmlRpcValue[],
  kwargs: { [key: string]: XmlRpcValue } = {},
  o: { key?: string; uid?: number; db?: string } = {},
): Promise<RawAnswer> {
  return xmlrpcRaw(s, 'object', 'execute_kw', [
    o.db ?? s.db,
    o.uid ?? 2,
    o.key ?? s.apiKey,
    model,
    method,
    args,
    kwargs,
  ]);
}

/** The single result `<value>` of a Python-framed XML-RPC answer (HTTP 200, text/xml, no fault). */
export function xmlResult(a: RawAnswer): string {
  assert.equal(a.status, 200);
  assert.match(a.contentType, /^text\/xml/);
  const m =
    /^<\?xml version='1\.0'\?>\n<methodResponse>\n<params>\n<param>\n([\s\S]*)<\/param>\n<\/params>\n<\/methodResponse>\n$/.exec(
      a.text,
    );
  assert.ok(m, `not a Python-framed result: ${a.text.slice(0, 300)}`);
  return m[1] ?? '';
}

/** faultCode and faultString of a Python-framed XML-RPC fault (HTTP 200, text/xml). */
export function xmlFault(a: RawAnswer): { faultCode: number; faultString: string } {
  assert.equal(a.status, 200, 'XML-RPC faults travel with HTTP 200');
  assert.match(a.contentType, /^text\/xml/);
  const m =
    /^<\?xml version='1\.0'\?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode<\/name>\n<value><int>(\d+)<\/int><\/value>\n<\/member>\n<member>\n<name>faultString<\/name>\n<value><string>([\s\S]*?)<\/string><\/value>\n<\/member>\n<\/struct><\/value>\n<\/fault>\n<\/methodResponse>\n$/.exec(
      a.text,
    );
  assert.ok(m, `not a Python-framed fault: ${a.text.slice(0, 300)}`);
  return { faultCode: Number(m[1]), faultString: unescapeXml(m[2] ?? '') };
}

/** One struct member of an XML-RPC answer, e.g. `member(text, 'state')` → `<value><string>draft</string></value>`. */
export function xmlMember(xml: string, name: string): string | undefined {
  const m = new RegExp(`<member>\\n<name>${name}</name>\\n(<value>[\\s\\S]*?</value>)\\n</member>`).exec(xml);
  return m?.[1];
}
