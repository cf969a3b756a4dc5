import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

/** One stored record: field values as the ORM keeps them (many2one as an id or false, many2many as ids). */
export type Rec = Record<string, unknown> & { id: number };

/** Everything the stand-in knows, as plain JSON so it can be snapshotted and written to the state file. */
export interface StoreData {
  version: 1;
  nextId: Record<string, number>;
  records: Record<string, Record<string, Rec>>;
  /** Sequence counters, e.g. `INV/2026` → last number used. */
  sequences: Record<string, number>;
}

export function emptyStoreData(): StoreData {
  return { version: 1, nextId: {}, records: {}, sequences: {} };
}

/** The in-memory database. Each API call runs against a snapshot it can roll back to (one call, one transaction). */
export class Store {
  private data: StoreData;

  constructor(data: StoreData) {
    this.data = data;
  }

  get(model: string, id: number): Rec | undefined {
    return this.data.records[model]?.[String(id)];
  }

  /** All records of a model in id order. */
  all(model: string): Rec[] {
    return Object.values(this.data.records[model] ?? {}).sort((a, b) => a.id - b.id);
  }

  insert(model: string, values: Record<string, unknown>): number {
    const id = this.data.nextId[model] ?? 1;
    this.data.nextId[model] = id + 1;
    const table = (this.data.records[model] ??= {});
    table[String(id)] = { ...values, id };
    return id;
  }

  update(model: string, id: number, patch: Record<string, unknown>): void {
    const rec = this.get(model, id);
    if (rec) Object.assign(rec, patch, { id });
  }

  remove(model: string, id: number): void {
    const table = this.data.records[model];
    if (table) delete table[String(id)];
  }

  nextSequence(key: string): number {
    const next = (this.data.sequences[key] ?? 0) + 1;
    this.data.sequences[key] = next;
    return next;
  }

  snapshot(): StoreData {
    return structuredClone(this.data);
  }

  restore(data: StoreData): void {
    this.data = data;
  }
}

export function loadStoreFile(file: string): StoreData | undefined {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const data = JSON.parse(raw) as StoreData;
  if (data.version !== 1) throw new Error(`Odoo stand-in state file ${file} has an unknown version.`);
  return data;
}

/**
 * Writes the state file atomically. Why: a crash mid-write must leave the previous state, never half a file;
 * so write a unique temp file in the same folder, fsync it, then rename over the target.
 */
export function saveStoreFile(file: string, data: StoreData): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(data));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}
