import { compileDomain } from './domain.js';
import type { MethodDef } from './models/types.js';
import {
  createRecords,
  displayName,
  hasField,
  modelDef,
  readRecords,
  searchIds,
  unlinkRecords,
  writeRecords,
} from './orm.js';

/**
 * The public ORM methods every model has, with Odoo 19's parameter names (JSON-2 binds arguments by these
 * names; XML-RPC binds positional arguments in this order). `model` is filled in by the dispatcher.
 */
export function ormMethods(model: string): Record<string, MethodDef> {
  return {
    create: {
      api: 'model',
      readonly: false,
      params: [{ name: 'vals_list', required: true }],
      run: (env, _ids, a) => createRecords(env, model, a['vals_list']),
    },
    write: {
      api: 'records',
      readonly: false,
      params: [{ name: 'vals', required: true }],
      run: (env, ids, a) => {
        writeRecords(env, model, ids, a['vals']);
        return true;
      },
    },
    read: {
      api: 'records',
      readonly: true,
      params: [{ name: 'fields' }, { name: 'load' }],
      run: (env, ids, a) => readRecords(env, model, ids, a['fields'], a['load'] ?? '_classic_read'),
    },
    unlink: {
      api: 'records',
      readonly: false,
      params: [],
      run: (env, ids) => {
        unlinkRecords(env, model, ids);
        return true;
      },
    },
    search: {
      api: 'model',
      readonly: true,
      params: [{ name: 'domain', required: true }, { name: 'offset' }, { name: 'limit' }, { name: 'order' }],
      run: (env, _ids, a) => searchIds(env, model, a['domain'], a),
    },
    search_read: {
      api: 'model',
      readonly: true,
      params: [{ name: 'domain' }, { name: 'fields' }, { name: 'offset' }, { name: 'limit' }, { name: 'order' }],
      // Why: Odoo's search_read(..., **read_kwargs) hands them to read, whose only extra argument is `load`.
      forwards: ['load'],
      run: (env, _ids, a) =>
        readRecords(env, model, searchIds(env, model, a['domain'], a), a['fields'], a['load'] ?? '_classic_read'),
    },
    search_count: {
      api: 'model',
      readonly: true,
      params: [{ name: 'domain', required: true }, { name: 'limit' }],
      run: (env, _ids, a) => searchIds(env, model, a['domain'], { limit: a['limit'] }).length,
    },
    name_search: {
      api: 'model',
      readonly: true,
      params: [{ name: 'name' }, { name: 'domain' }, { name: 'operator' }, { name: 'limit' }],
      run: (env, _ids, a) => {
        const name = typeof a['name'] === 'string' ? a['name'] : '';
        const operator = typeof a['operator'] === 'string' ? a['operator'] : 'ilike';
        const byName = compileDomain([['display_name', operator, name]], (f) => hasField(modelDef(env, model), f));
        const limit = typeof a['limit'] === 'number' ? a['limit'] : 100;
        return searchIds(env, model, a['domain'] ?? [], {})
          .map((id) => env.store.get(model, id))
          .filter((rec) => rec !== undefined)
          .map((rec) => [rec.id, displayName(env, model, rec)] as const)
          .filter(([, label]) => name === '' || byName((f) => (f === 'display_name' ? label : undefined)))
          .slice(0, limit);
      },
    },
  };
}
