import type { Rec, Store } from '../store.js';

/** What a model method sees: the database, the caller and the call's context. */
export interface Env {
  store: Store;
  registry: Registry;
  uid: number;
  context: Record<string, unknown>;
  /** Today's date as `YYYY-MM-DD` (injectable so tests can fix the year). */
  today(): string;
}

export type FieldType =
  | 'char'
  | 'text'
  | 'html'
  | 'integer'
  | 'float'
  | 'monetary'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'selection'
  | 'many2one'
  | 'one2many'
  | 'many2many';

export interface FieldDef {
  type: FieldType;
  string: string;
  comodel?: string;
  /** one2many: the many2one field on the comodel that points back. */
  inverse?: string;
  required?: boolean;
  selection?: readonly string[];
  /** Computed on read, never stored, writes are ignored (as Odoo does for computed fields without inverse). */
  compute?: (env: Env, rec: Rec) => unknown;
  default?: (env: Env, vals: Record<string, unknown>) => unknown;
}

export interface ParamDef {
  name: string;
  required?: boolean;
}

export interface MethodDef {
  params: readonly ParamDef[];
  /** `model` for @api.model methods (no ids), `records` for methods called on ids. */
  api: 'model' | 'records';
  /** True when the method never writes, so the state file need not be saved after it. */
  readonly: boolean;
  /**
   * The method takes `**kwargs` and hands them on to a callee that accepts only these names (search_read
   * passes `load` to read). Odoo's JSON-2 bind lets any name through such a method; the callee then raises.
   */
  forwards?: readonly string[];
  run(env: Env, ids: number[], args: Record<string, unknown>): unknown;
}

export interface ModelDef {
  name: string;
  description: string;
  fields: Record<string, FieldDef>;
  methods?: Record<string, MethodDef>;
  displayName?(env: Env, rec: Rec): string;
  /** Fills defaults that depend on context or other values, and raises the model's own create errors. */
  prepareCreate?(env: Env, vals: Record<string, unknown>): Record<string, unknown>;
  beforeUnlink?(env: Env, ids: number[]): void;
}

export type Registry = ReadonlyMap<string, ModelDef>;
