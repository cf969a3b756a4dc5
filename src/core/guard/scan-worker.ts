/**
 * The entry of a guard worker thread (see worker-pool.ts): scans the file batches the main thread posts
 * and posts back what it found. The main thread walks the tree and applies the name rules; a worker only
 * reads and scans content, so a worker and the main thread scanning the same batch report the same hits.
 */
import { parentPort } from 'node:worker_threads';
import { FIRST_READ_BYTES } from './read.js';
import { scanFileBatch } from './scan-files.js';
import type { BatchReply, BatchRequest } from './worker-pool.js';

const port = parentPort;
if (port === null) throw new Error('scan-worker.js is a worker thread entry; the guard starts it itself.');
const scratch = Buffer.allocUnsafe(FIRST_READ_BYTES);

port.on('message', (request: BatchRequest) => {
  scanFileBatch(request.base, request.rels, request.chunkBytes, scratch).then(
    (result) => port.postMessage({ id: request.id, result } satisfies BatchReply),
    (err: unknown) => port.postMessage({ id: request.id, error: String(err) } satisfies BatchReply),
  );
});
