import { valueError } from './faults.js';

/**
 * Odoo search domains in prefix (Polish) notation: leaves `[field, operator, value]` and the operators
 * `&`, `|`, `!`; consecutive terms are implicitly and-ed. Enough of Odoo's operators for the client's calls.
 */
export type FieldGetter = (field: string) => unknown;

const OPERATORS = new Set([
  '=',
  '!=',
  '<>',
  'in',
  'not in',
  'like',
  'not like',
  'ilike',
  'not ilike',
  '=like',
  '=ilike',
  '>',
  '<',
  '>=',
  '<=',
]);

/** Returns a predicate for the domain; throws ValueError on a malformed domain, as Odoo does. */
export function compileDomain(domain: unknown, hasField: (f: string) => boolean): (get: FieldGetter) => boolean {
  if (domain === undefined || domain === null || domain === false) return () => true;
  if (!Array.isArray(domain)) throw valueError(`Invalid domain ${JSON.stringify(domain)}`);
  const terms = [...domain];
  let pos = 0;
  const parseTerm = (): ((get: FieldGetter) => boolean) => {
    const term: unknown = terms[pos++];
    if (term === '&' || term === '|') {
      const left = parseTerm();
      const right = parseTerm();
      return term === '&' ? (g) => left(g) && right(g) : (g) => left(g) || right(g);
    }
    if (term === '!') {
      const inner = parseTerm();
      return (g) => !inner(g);
    }
    if (!Array.isArray(term) || term.length !== 3 || typeof term[0] !== 'string' || typeof term[1] !== 'string') {
      throw valueError(`Invalid leaf ${JSON.stringify(term)}`);
    }
    const [field, operator, value] = term as [string, string, unknown];
    if (!OPERATORS.has(operator)) throw valueError(`Invalid leaf ${JSON.stringify(term)}`);
    if (!hasField(field.split('.')[0] ?? field))
      throw valueError(`Invalid field ${field} in leaf ${JSON.stringify(term)}`);
    return (g) => matchLeaf(g(field), operator, value);
  };
  const parts: Array<(get: FieldGetter) => boolean> = [];
  while (pos < terms.length) parts.push(parseTerm());
  return (g) => parts.every((p) => p(g));
}

function isEmpty(v: unknown): boolean {
  return v === false || v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}

function likeToRegExp(pattern: string, anchored: boolean, flags: string): RegExp {
  const escaped = pattern
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%/g, '.*')
    .replace(/_/g, '.');
  return new RegExp(anchored ? `^${escaped}$` : escaped, flags);
}

function matchLeaf(actual: unknown, operator: string, value: unknown): boolean {
  // Why: x2many values are id lists; Odoo matches them when any element matches.
  if (Array.isArray(actual) && !['in', 'not in'].includes(operator) && !isEmpty(value)) {
    return actual.some((a) => matchLeaf(a, operator, value));
  }
  switch (operator) {
    case '=':
      return isEmpty(value) ? isEmpty(actual) : actual === value;
    case '!=':
    case '<>':
      return isEmpty(value) ? !isEmpty(actual) : actual !== value;
    case 'in':
    case 'not in': {
      const list = Array.isArray(value) ? value : [value];
      const hit = Array.isArray(actual)
        ? actual.some((a) => list.includes(a))
        : list.includes(actual) || (isEmpty(actual) && list.includes(false));
      return operator === 'in' ? hit : !hit;
    }
    case 'like':
    case 'not like':
    case 'ilike':
    case 'not ilike':
    case '=like':
    case '=ilike': {
      if (isEmpty(actual)) return operator.startsWith('not');
      const re = likeToRegExp(String(value), operator.startsWith('='), operator.includes('ilike') ? 'i' : '');
      const hit = re.test(String(actual));
      return operator.startsWith('not') ? !hit : hit;
    }
    default: {
      if (isEmpty(actual)) return false;
      const a = actual as number | string;
      const b = value as number | string;
      if (operator === '>') return a > b;
      if (operator === '<') return a < b;
      if (operator === '>=') return a >= b;
      return a <= b;
    }
  }
}

/** Sorts by an Odoo `order` string such as `"id desc, name"`. Unknown fields are a ValueError. */
export function compareByOrder(
  order: unknown,
  hasField: (f: string) => boolean,
): (a: FieldGetter, b: FieldGetter) => number {
  const spec = typeof order === 'string' && order.trim() !== '' ? order : 'id';
  const keys = spec.split(',').map((part) => {
    const [field = 'id', dir = 'asc'] = part.trim().split(/\s+/);
    if (!hasField(field)) throw valueError(`Invalid "order" specified (${spec}).`);
    return { field, desc: dir.toLowerCase() === 'desc' };
  });
  return (a, b) => {
    for (const { field, desc } of keys) {
      const x = a(field);
      const y = b(field);
      const xv = Array.isArray(x) ? x[0] : x;
      const yv = Array.isArray(y) ? y[0] : y;
      if (xv === yv) continue;
      // Why: Odoo sorts empty values last in ascending order.
      if (isEmpty(xv)) return desc ? -1 : 1;
      if (isEmpty(yv)) return desc ? 1 : -1;
      const cmp = (xv as number | string) < (yv as number | string) ? -1 : 1;
      return desc ? -cmp : cmp;
    }
    return 0;
  };
}
