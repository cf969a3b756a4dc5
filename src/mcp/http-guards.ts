import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Checks of every HTTP request before it reaches MCP (reference/mcp.md): a static bearer token on every
 * request (never trusted from the session), and the Origin header — present and not allowed is refused, so
 * a web page in the owner's browser cannot drive the server (DNS rebinding, CSRF).
 */
export function bearerMatches(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const match = /^bearer\s+(.+)$/i.exec(header.trim());
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1]);
  const expected = Buffer.from(token);
  // Why timingSafeEqual: a plain comparison leaks how many leading characters were right.
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function originAllowed(req: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true; // not a browser: the bearer token is the guard
  return allowed.includes(origin);
}

/** Host names the server answers to when bound to loopback: refuses rebinding to an attacker's domain. */
export function loopbackHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
}
