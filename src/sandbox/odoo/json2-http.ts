import type { ServerResponse } from 'node:http';
import { pythonTraceback, type Json2ErrorBody } from './faults.js';
import { send, sendJson } from './http-util.js';

/**
 * The answers JSON-2 gives before a model method runs: werkzeug's HTTP errors as JSON (once the JSON-2
 * dispatcher owns the request), and werkzeug's plain HTML pages (before it does: unknown database, wrong
 * Content-Type). Shapes as a real Odoo 19.0 sent them (reference/odoo.md, "Observed on a real Odoo 19.0 server").
 */
const WERKZEUG: Record<number, [name: string, reason: string]> = {
  400: ['BadRequest', 'Bad Request'],
  401: ['Unauthorized', 'Unauthorized'],
  404: ['NotFound', 'Not Found'],
  415: ['UnsupportedMediaType', 'Unsupported Media Type'],
  422: ['UnprocessableEntity', 'Unprocessable Entity'],
};

/** `serialize_exception(exc, message=exc.description, arguments=(exc.description, exc.code))`. */
export function werkzeugErrorBody(status: number, message: string): Json2ErrorBody {
  const [cls, reason] = WERKZEUG[status] ?? ['InternalServerError', 'Internal Server Error'];
  const name = `werkzeug.exceptions.${cls}`;
  return {
    name,
    message,
    arguments: [message, status],
    context: {},
    debug: pythonTraceback(name, `${status} ${reason}: ${message}`, 'json2'),
  };
}

export function sendWerkzeugJson(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, werkzeugErrorBody(status, message), headers);
}

/**
 * Both 401s carry the challenge werkzeug writes for `WWWAuthenticate('bearer')`: the scheme title-cased and
 * a trailing space (no parameters), exactly `Bearer `.
 */
export const BEARER_CHALLENGE = { 'WWW-Authenticate': 'Bearer ' };
export const INVALID_APIKEY = 'Invalid apikey';
export const NOT_AUTHENTICATED = 'User not authenticated, use an API Key with a Bearer Authorization header.';

/** The token of `Authorization: bearer <token>` (scheme case-insensitive, as Odoo's `^bearer\s+(.+)$`). */
export function bearerToken(header: string | undefined): string | undefined {
  return /^bearer\s+(.+)$/i.exec(header ?? '')?.[1];
}

/** Werkzeug's HTML page for a 415, sent when the request is not `application/json` (a plain GET included). */
export function sendHtmlUnsupportedMediaType(res: ServerResponse): void {
  send(
    res,
    415,
    'text/html; charset=utf-8',
    '<!doctype html>\n<html lang=en>\n<title>415 Unsupported Media Type</title>\n<h1>Unsupported Media Type</h1>\n' +
      '<p>The server does not support the media type transmitted in the request.</p>\n',
  );
}

/** Odoo's JSON-2 dispatcher takes only `application/json` (parameters such as charset aside). */
export function isJsonMimetype(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json';
}
