import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { CallRecord } from './call-log.js';
import type { DispatchContext } from './dispatch.js';

/** What the routes share: the database, identities, the call log and the fault-injection gate. */
export interface ServerContext extends DispatchContext {
  db: string;
  login: string;
  logger: Logger;
  /** The uid an API key belongs to, if any. */
  uidForKey(key: string): number | undefined;
  /** Appends to the call log and returns the live record (routes fill in the outcome). */
  record(entry: Omit<CallRecord, 'seq' | 'outcome'>): CallRecord;
  /** Applies injected latency and failures. False when the request was consumed (500 sent or socket dropped). */
  gate(req: IncomingMessage, res: ServerResponse, call: CallRecord): Promise<boolean>;
  /** Saves the state file after a call that may have written. */
  persist(): void;
  jsonApi(): boolean;
  databaseUp(): boolean;
  /** `19.0`, or `18.0` when the JSON-2 API is switched off. */
  serverVersion(): { version: string; versionInfo: [number, number, number, string, number, string] };
}
