import { compareByOrder, compileDomain } from './domain.js';
import { keyError, missingError, type StandinFault, validationError, valueError } from './faults.js';
import type { Env, FieldDef, ModelDef } from './models/types.js';
import { PyFloat } from './py-float.js';
import type { Rec } from './store.js';

/**
 * The generic part of Odoo's ORM that the stand-in needs: create/write with x2many commands, read in the
 * wire shape (many2one as `[id, name]`, empty values as `false`), search with domains, unlink.
 */
export function modelDef(env: Env, model: string): ModelDef {
  const def = env.registry.get(model);
  if (!def) throw keyError(model);
  return def;
}

export function hasField(def: ModelDef, field: string): boolean {
  return field === 'id' || field === 'display_name' || field in def.fields;
}

/** The records for `ids`, or MissingError naming the ones that do not exist. */
export function browse(env: Env, model: string, ids: readonly number[]): Rec[] {
  const missing = ids.filter((id) => !env.store.get(model, id));
  if (missing.length > 0) throw missingError(model, missing, env.uid);
  return ids.map((id) => env.store.get(model, id) as Rec);
}

export function displayName(env: Env, model: string, rec: Rec): string {
  const def = modelDef(env, model);
  if (def.displayName) return def.displayName(env, rec);
  return typeof rec['name'] === 'string' ? rec['name'] : `${model},${rec.id}`;
}

/** A field's value as the ORM sees it: many2one as an id or false, x2many as an id list. */
export function fieldValue(env: Env, model: string, rec: Rec, field: string): unknown {
  if (field === 'id') return rec.id;
  if (field === 'display_name') return displayName(env, model, rec);
  const f = modelDef(env, model).fields[field];
  if (!f) return undefined;
  if (f.compute) return f.compute(env, rec);
  if (f.type === 'one2many') {
    const inverse = f.inverse ?? '';
    return env.store
      .all(f.comodel ?? '')
      .filter((child) => child[inverse] === rec.id)
      .map((child) => child.id);
  }
  const raw = rec[field];
  if (raw !== undefined) return raw;
  return emptyValue(f);
}

function emptyValue(f: FieldDef): unknown {
  if (f.type === 'many2many' || f.type === 'one2many') return [];
  if (f.type === 'integer' || f.type === 'float' || f.type === 'monetary') return 0;
  return false;
}

/** A field's value as read() returns it on the wire. */
function wireValue(env: Env, f: FieldDef, value: unknown, load: unknown): unknown {
  if (f.type === 'many2one') {
    if (typeof value !== 'number') return false;
    if (load !== '_classic_read') return value;
    const comodel = f.comodel ?? '';
    const target = env.store.get(comodel, value);
    return target ? [value, displayName(env, comodel, target)] : false;
  }
  if ((f.type === 'float' || f.type === 'monetary') && typeof value === 'number') return new PyFloat(value);
  return value;
}

export function readRecords(
  env: Env,
  model: string,
  ids: readonly number[],
  fields: unknown,
  load: unknown,
): unknown[] {
  const def = modelDef(env, model);
  const names =
    Array.isArray(fields) && fields.length > 0 ? (fields as unknown[]).map(String) : Object.keys(def.fields);
  for (const name of names) {
    if (!hasField(def, name)) throw valueError(`Invalid field '${name}' on model '${model}'`);
  }
  // Why not browse(): Odoo 19's read() skips records that no longer exist (200 `[]` for a deleted id, observed);
  // only write and unlink raise MissingError.
  const existing = ids.map((id) => env.store.get(model, id)).filter((rec) => rec !== undefined);
  return existing.map((rec) => {
    const out: Record<string, unknown> = { id: rec.id };
    for (const name of names) {
      const f = def.fields[name];
      const value = fieldValue(env, model, rec, name);
      out[name] = f ? wireValue(env, f, value, load) : value;
    }
    return out;
  });
}

export function searchIds(
  env: Env,
  model: string,
  domain: unknown,
  options: { offset?: unknown; limit?: unknown; order?: unknown },
): number[] {
  const def = modelDef(env, model);
  const test = compileDomain(domain, (f) => hasField(def, f));
  const mentionsActive = JSON.stringify(domain ?? []).includes('"active"');
  // Why: Odoo hides archived records unless the domain asks about `active` or active_test is off.
  const activeFilter = 'active' in def.fields && !mentionsActive && env.context['active_test'] !== false;
  const getter = (rec: Rec) => (field: string) => fieldValue(env, model, rec, field);
  const cmp = compareByOrder(options.order, (f) => hasField(def, f));
  const found = env.store
    .all(model)
    .filter((rec) => (!activeFilter || rec['active'] !== false) && test(getter(rec)))
    .sort((a, b) => cmp(getter(a), getter(b)));
  const offset = typeof options.offset === 'number' ? options.offset : 0;
  const limit = typeof options.limit === 'number' && options.limit > 0 ? options.limit : undefined;
  return found.slice(offset, limit === undefined ? undefined : offset + limit).map((r) => r.id);
}

export function createRecords(env: Env, model: string, valsList: unknown): number[] {
  const list = Array.isArray(valsList) ? valsList : [valsList];
  return list.map((raw) => {
    if (!isPlainObject(raw)) throw valueError(`Invalid create values ${JSON.stringify(raw)} for '${model}'`);
    const def = modelDef(env, model);
    const internal = Object.keys(raw).find((k) => k.startsWith('__'));
    if (internal !== undefined) throw keyError(internal);
    const vals = def.prepareCreate ? def.prepareCreate(env, { ...raw }) : { ...raw };
    for (const [name, f] of Object.entries(def.fields)) {
      if (vals[name] === undefined && f.default) vals[name] = f.default(env, vals);
    }
    const { stored, deferred } = convertVals(env, def, undefined, vals, true);
    for (const [name, f] of Object.entries(def.fields)) {
      if (f.required && !f.compute && isEmptyValue(stored[name])) throw mandatoryFieldError(def, name, f);
    }
    const id = env.store.insert(model, stored);
    deferred(id);
    return id;
  });
}

export function writeRecords(env: Env, model: string, ids: readonly number[], vals: unknown): void {
  if (!isPlainObject(vals)) throw valueError(`Invalid write values ${JSON.stringify(vals)} for '${model}'`);
  const def = modelDef(env, model);
  for (const rec of browse(env, model, ids)) {
    const { stored, deferred } = convertVals(env, def, rec, vals);
    for (const [name, f] of Object.entries(def.fields)) {
      if (f.required && name in stored && isEmptyValue(stored[name])) throw mandatoryFieldError(def, name, f);
    }
    env.store.update(model, rec.id, stored);
    deferred(rec.id);
  }
}

export function unlinkRecords(env: Env, model: string, ids: readonly number[]): void {
  const def = modelDef(env, model);
  browse(env, model, ids);
  def.beforeUnlink?.(env, [...ids]);
  for (const id of ids) {
    // Why: Odoo deletes one2many children with their parent (ondelete cascade on the inverse many2one).
    for (const f of Object.values(def.fields)) {
      if (f.type !== 'one2many' || !f.comodel) continue;
      for (const child of env.store.all(f.comodel))
        if (child[f.inverse ?? ''] === id) env.store.remove(f.comodel, child.id);
    }
    env.store.remove(model, id);
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isEmptyValue(v: unknown): boolean {
  return v === undefined || v === false || v === null || v === '';
}

function mandatoryFieldError(def: ModelDef, name: string, f: FieldDef): StandinFault {
  return validationError(
    'The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n' +
      '- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n' +
      `Model: ${def.description} (${def.name})\nField: ${f.string} (${name})`,
  );
}

/**
 * Checks and converts incoming values. Returns the stored patch and a `deferred` step that applies
 * one2many commands once the record id is known (the children point back at it).
 */
function convertVals(
  env: Env,
  def: ModelDef,
  current: Rec | undefined,
  vals: Record<string, unknown>,
  allowInternal = false,
): { stored: Record<string, unknown>; deferred: (id: number) => void } {
  const stored: Record<string, unknown> = {};
  const later: Array<(id: number) => void> = [];
  for (const [name, value] of Object.entries(vals)) {
    if (value === undefined) continue;
    // Why: `__` keys are the stand-in's own bookkeeping, set by model code, never by a caller.
    if (allowInternal && name.startsWith('__')) {
      stored[name] = value;
      continue;
    }
    const f = def.fields[name];
    if (!f) {
      if (name === 'id' || name === 'display_name') continue;
      // Why KeyError: a real Odoo 19.0 answers a field it does not have with 500 builtins.KeyError (observed).
      throw keyError(name);
    }
    if (f.compute) continue;
    const bad = () => valueError(`Wrong value for ${def.name}.${name}: ${JSON.stringify(value)}`);
    switch (f.type) {
      case 'char':
      case 'text':
      case 'html':
        if (value !== false && value !== null && typeof value !== 'string') throw bad();
        stored[name] = value ?? false;
        break;
      case 'date':
        if (value !== false && value !== null && !(typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)))
          throw bad();
        stored[name] = value ?? false;
        break;
      case 'datetime':
        if (value !== false && value !== null && typeof value !== 'string') throw bad();
        stored[name] = value ?? false;
        break;
      case 'selection':
        if (value !== false && value !== null && !(f.selection ?? []).includes(String(value))) throw bad();
        stored[name] = value ?? false;
        break;
      case 'integer':
        if (!Number.isInteger(value)) throw bad();
        stored[name] = value;
        break;
      case 'float':
      case 'monetary':
        if (typeof value !== 'number' || !Number.isFinite(value)) throw bad();
        stored[name] = value;
        break;
      case 'boolean':
        stored[name] = Boolean(value);
        break;
      case 'many2one':
        if (value === false || value === null) stored[name] = false;
        else if (typeof value === 'number' && env.store.get(f.comodel ?? '', value)) stored[name] = value;
        else if (typeof value === 'number') throw missingError(f.comodel ?? '', [value], env.uid);
        else throw bad();
        break;
      case 'many2many': {
        const before = current ? ((current[name] as number[] | undefined) ?? []) : [];
        stored[name] = applyMany2many(env, f, before, value, bad);
        break;
      }
      case 'one2many':
        if (!Array.isArray(value)) throw bad();
        later.push((id) => applyOne2many(env, f, id, value, bad));
        break;
    }
  }
  return { stored, deferred: (id) => later.forEach((step) => step(id)) };
}

/** x2many commands `[0,0,vals]`, `[1,id,vals]`, `[2,id]`, `[3,id]`, `[4,id]`, `[5]`, `[6,0,ids]`, or a bare id list. */
function commandsOf(value: unknown, bad: () => StandinFault): unknown[][] {
  if (!Array.isArray(value)) throw bad();
  if (value.every((v) => typeof v === 'number')) return [[6, 0, value]];
  return value.map((cmd) => {
    if (!Array.isArray(cmd) || typeof cmd[0] !== 'number') throw bad();
    return cmd as unknown[];
  });
}

function applyMany2many(env: Env, f: FieldDef, before: number[], value: unknown, bad: () => StandinFault): number[] {
  let ids = [...before];
  const comodel = f.comodel ?? '';
  for (const cmd of commandsOf(value, bad)) {
    const [op, arg, extra] = cmd;
    if (op === 0) ids.push(...createRecords(env, comodel, extra));
    else if (op === 1 && typeof arg === 'number') writeRecords(env, comodel, [arg], extra);
    else if (op === 2 && typeof arg === 'number') {
      unlinkRecords(env, comodel, [arg]);
      ids = ids.filter((i) => i !== arg);
    } else if (op === 3) ids = ids.filter((i) => i !== arg);
    else if (op === 4 && typeof arg === 'number') {
      browse(env, comodel, [arg]);
      if (!ids.includes(arg)) ids.push(arg);
    } else if (op === 5) ids = [];
    else if (op === 6 && Array.isArray(extra) && extra.every((i) => typeof i === 'number')) {
      browse(env, comodel, extra as number[]);
      ids = [...new Set(extra as number[])];
    } else throw bad();
  }
  return ids;
}

function applyOne2many(env: Env, f: FieldDef, parentId: number, value: unknown, bad: () => StandinFault): void {
  const comodel = f.comodel ?? '';
  const inverse = f.inverse ?? '';
  const children = () => env.store.all(comodel).filter((c) => c[inverse] === parentId);
  for (const cmd of commandsOf(value, bad)) {
    const [op, arg, extra] = cmd;
    if (op === 0) createRecords(env, comodel, { ...(isPlainObject(extra) ? extra : {}), [inverse]: parentId });
    else if (op === 1 && typeof arg === 'number') writeRecords(env, comodel, [arg], extra);
    else if ((op === 2 || op === 3) && typeof arg === 'number') unlinkRecords(env, comodel, [arg]);
    else if (op === 4 && typeof arg === 'number') writeRecords(env, comodel, [arg], { [inverse]: parentId });
    else if (op === 5)
      unlinkRecords(
        env,
        comodel,
        children().map((c) => c.id),
      );
    else if (op === 6 && Array.isArray(extra)) {
      const keep = new Set(extra as number[]);
      unlinkRecords(
        env,
        comodel,
        children()
          .filter((c) => !keep.has(c.id))
          .map((c) => c.id),
      );
      for (const id of keep) writeRecords(env, comodel, [id], { [inverse]: parentId });
    } else throw bad();
  }
}
