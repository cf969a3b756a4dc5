import type { OdooError } from './errors.js';
import { timeoutError, unreachable, type CallTarget } from './errors.js';

/** A GET with a timeout that answers status and parsed JSON (or undefined when the body is not JSON). */
export async function getJson(
  url: string,
  timeoutMs: number,
  target: CallTarget,
): Promise<{ status: number; body: unknown }> {
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, { headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
    text = await res.text();
  } catch (err) {
    throw fetchFailure(err, target, timeoutMs, 'http');
  }
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body };
}

/** Turns what fetch throws into a timeout or upstream OdooError. */
export function fetchFailure(
  err: unknown,
  target: CallTarget,
  timeoutMs: number,
  transport: 'json2' | 'http',
): OdooError {
  const name = (err as Error | undefined)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return timeoutError(target, timeoutMs, transport);
  const cause = (err as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  const reason = cause?.code ?? cause?.message ?? (err as Error | undefined)?.message ?? 'network error';
  return unreachable(target, reason, transport, err);
}
