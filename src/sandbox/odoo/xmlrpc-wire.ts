import { PyFloat } from './py-float.js';
import { parseXml, type XmlElement } from './xml-tree.js';

/**
 * XML-RPC as Python's `xmlrpc.client` speaks it, which is what Odoo answers with: `<?xml version='1.0'?>`
 * framing, one value per line, floats always with a decimal point (`115.0`), no `<nil/>` (None cannot be
 * marshalled: the caller turns that into a fault), dict keys as strings.
 */
export interface MethodCall {
  methodName: string;
  params: unknown[];
}

export class XmlRpcParseError extends Error {}

function only(el: XmlElement, name: string): XmlElement {
  const child = el.children.find((c) => c.name === name);
  if (!child) throw new XmlRpcParseError(`<${el.name}> has no <${name}>`);
  return child;
}

function decodeValue(value: XmlElement): unknown {
  if (value.name !== 'value') throw new XmlRpcParseError(`expected <value>, got <${value.name}>`);
  const typed = value.children[0];
  if (!typed) return value.text; // an untyped value is a string
  const text = typed.text;
  switch (typed.name) {
    case 'int':
    case 'i4':
    case 'i8':
      if (!/^\s*[+-]?\d+\s*$/.test(text)) throw new XmlRpcParseError(`bad integer "${text}"`);
      return parseInt(text, 10);
    case 'boolean':
      if (text.trim() !== '0' && text.trim() !== '1') throw new XmlRpcParseError(`bad boolean "${text}"`);
      return text.trim() === '1';
    case 'double': {
      const n = Number(text.trim());
      if (text.trim() === '' || !Number.isFinite(n)) throw new XmlRpcParseError(`bad double "${text}"`);
      return n;
    }
    case 'string':
      return text;
    case 'nil':
      return null;
    case 'dateTime.iso8601': {
      const m = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(text.trim());
      if (!m) throw new XmlRpcParseError(`bad dateTime "${text}"`);
      return `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}`;
    }
    case 'base64':
      return text.replace(/\s+/g, '');
    case 'array':
      return only(typed, 'data').children.map(decodeValue);
    case 'struct': {
      const out: Record<string, unknown> = {};
      for (const member of typed.children) {
        if (member.name !== 'member') throw new XmlRpcParseError(`expected <member>, got <${member.name}>`);
        out[only(member, 'name').text] = decodeValue(only(member, 'value'));
      }
      return out;
    }
    default:
      throw new XmlRpcParseError(`unknown value type <${typed.name}>`);
  }
}

export function parseMethodCall(body: string): MethodCall {
  let root: XmlElement;
  try {
    root = parseXml(body);
  } catch (err) {
    throw new XmlRpcParseError((err as Error).message);
  }
  if (root.name !== 'methodCall') throw new XmlRpcParseError(`expected <methodCall>, got <${root.name}>`);
  const methodName = only(root, 'methodName').text.trim();
  const paramsEl = root.children.find((c) => c.name === 'params');
  const params = (paramsEl?.children ?? []).map((p) => decodeValue(only(p, 'value')));
  return { methodName, params };
}

/** Thrown while serialising a value Python's marshaller would refuse (None, undefined, a function...). */
export class CannotMarshalError extends Error {}

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Python's `repr(float)`: always a decimal point or an exponent, so `115` is written `115.0`. */
export function pythonFloat(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return `${n}.0`;
  return String(n).replace(/e\+?(\d)$/, 'e+0$1');
}

function encodeValue(v: unknown, out: string[]): void {
  if (v === null || v === undefined) throw new CannotMarshalError('cannot marshal None unless allow_none is enabled');
  if (typeof v === 'boolean') out.push(`<value><boolean>${v ? 1 : 0}</boolean></value>\n`);
  else if (typeof v === 'number') {
    // Why: JS cannot tell 115 from 115.0; integral numbers are ints here, and float fields arrive as PyFloat.
    out.push(
      Number.isInteger(v) ? `<value><int>${v}</int></value>\n` : `<value><double>${pythonFloat(v)}</double></value>\n`,
    );
  } else if (v instanceof PyFloat) out.push(`<value><double>${pythonFloat(v.value)}</double></value>\n`);
  else if (typeof v === 'string') out.push(`<value><string>${escapeText(v)}</string></value>\n`);
  else if (Array.isArray(v)) {
    out.push('<value><array><data>\n');
    for (const item of v) encodeValue(item, out);
    out.push('</data></array></value>\n');
  } else if (typeof v === 'object') {
    out.push('<value><struct>\n');
    for (const [key, item] of Object.entries(v as Record<string, unknown>)) {
      out.push(`<member>\n<name>${escapeText(key)}</name>\n`);
      encodeValue(item, out);
      out.push('</member>\n');
    }
    out.push('</struct></value>\n');
  } else throw new CannotMarshalError(`cannot marshal ${typeof v} objects`);
}

export function serialiseResponse(value: unknown): string {
  const out: string[] = ["<?xml version='1.0'?>\n", '<methodResponse>\n', '<params>\n', '<param>\n'];
  encodeValue(value, out);
  out.push('</param>\n', '</params>\n', '</methodResponse>\n');
  return out.join('');
}

export function serialiseFault(faultCode: number, faultString: string): string {
  const out: string[] = ["<?xml version='1.0'?>\n", '<methodResponse>\n', '<fault>\n'];
  encodeValue({ faultCode, faultString }, out);
  out.push('</fault>\n', '</methodResponse>\n');
  return out.join('');
}
