/** Thin clients of the watched services: what the watchers read with and what the local executor replies with. */
export * from './errors.js';
export * from './gmail-client.js';
export * from './gmail-reply.js';
export * from './x-client.js';
export * from './x-reply.js';
export * from './graph-client.js';
export * from './graph-reply.js';
