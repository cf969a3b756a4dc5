/**
 * Graph's field expansion, as the stand-in reads it: `id,message,comments.filter(stream).limit(25){id,parent}`
 * is a list of fields, each with modifiers (`.name(value)`) and its own sub-fields in braces. A nested edge
 * asked for this way is paged like the edge itself, so a client must follow the nested `paging.next` too.
 */
export interface FieldSpec {
  name: string;
  modifiers: Record<string, string>;
  fields: FieldSpec[];
  /** The sub-field list as written (for a nested edge's `paging.next`). */
  raw: string;
}

/** Splits at top-level commas (not inside braces or parentheses). */
function splitTop(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (ch === '{' || ch === '(') depth += 1;
    else if (ch === '}' || ch === ')') depth -= 1;
    else if (ch === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((s) => s.trim()).filter(Boolean);
}

export function parseFields(text: string | null | undefined): FieldSpec[] {
  return splitTop(text ?? '').map((part) => {
    const brace = part.indexOf('{');
    const head = brace < 0 ? part : part.slice(0, brace);
    const raw = brace < 0 ? '' : part.slice(brace + 1, part.lastIndexOf('}'));
    const [name = '', ...mods] = head.split('.');
    const modifiers: Record<string, string> = {};
    for (const mod of mods) {
      const m = /^([a-z_]+)\((.*)\)$/.exec(mod);
      if (m?.[1]) modifiers[m[1]] = m[2] ?? '';
    }
    return { name, modifiers, fields: parseFields(raw), raw };
  });
}

/** The requested field called `name`, if any. */
export function fieldOf(specs: FieldSpec[], name: string): FieldSpec | undefined {
  return specs.find((s) => s.name === name);
}

/** Keeps only the requested plain fields of `value` (Graph answers only what was asked for, plus `id`). */
export function pick(value: Record<string, unknown>, specs: FieldSpec[], fallback: string[]): Record<string, unknown> {
  const names = specs.length ? specs.map((s) => s.name) : fallback;
  const out: Record<string, unknown> = { id: value['id'] };
  for (const name of names) if (value[name] !== undefined) out[name] = value[name];
  return out;
}
