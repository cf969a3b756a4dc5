import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The small HTTP kit the three watcher stand-ins (gmail, x, graph) share: a JSON reply, a body reader, a log
 * of what was received, and a queue of injected faults. It lives beside the Gmail stand-in, the first of them.
 */

export interface ReceivedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: string;
}

/** An injected failure: the next `times` requests whose path contains `match` get this answer instead. */
export interface InjectedFault {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  times?: number;
  match?: string;
}

export class FaultQueue {
  private readonly faults: Array<InjectedFault & { left: number }> = [];

  add(fault: InjectedFault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  clear(): void {
    this.faults.length = 0;
  }

  /** The fault for this request, if one is armed for its path (used up one at a time). */
  take(path: string): InjectedFault | undefined {
    const index = this.faults.findIndex((f) => f.match === undefined || path.includes(f.match));
    if (index < 0) return undefined;
    const fault = this.faults[index];
    if (!fault) return undefined;
    fault.left -= 1;
    if (fault.left <= 0) this.faults.splice(index, 1);
    return fault;
  }
}

export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
  res.end(text);
}

export async function readBody(req: http.IncomingMessage, limit = 10_000_000): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (port 0: any free port). Handler errors become a 500 so a test sees them. */
export async function listen(
  handler: (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => Promise<void>,
  port = 0,
): Promise<RunningServer> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    handler(req, res, url).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: String((err as Error)?.message ?? err) } });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function queryOf(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of url.searchParams) out[k] = out[k] === undefined ? v : `${out[k]},${v}`;
  return out;
}
