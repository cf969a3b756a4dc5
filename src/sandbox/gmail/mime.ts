/**
 * Decodes the base64url RFC 822 message a client sends, for the stand-in's log: headers (unfolded, RFC 2047
 * words decoded) and the text body (base64 or plain). Kept apart from the reply builder in core on purpose:
 * shared code would hide a shared bug.
 */
export interface DecodedMail {
  headers: Record<string, string>;
  headerList: Array<{ name: string; value: string }>;
  text: string;
}

function decodeWords(value: string): string {
  return value.replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=/gi, (_m, enc: string, data: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(data, 'base64').toString('utf8')
      : data.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
  );
}

export function decodeRawMessage(raw: string): DecodedMail {
  const text = Buffer.from(raw.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  const split = text.search(/\r?\n\r?\n/);
  const head = split < 0 ? text : text.slice(0, split);
  const bodyRaw = split < 0 ? '' : text.slice(split).replace(/^\r?\n\r?\n/, '');
  const headerList: Array<{ name: string; value: string }> = [];
  for (const line of head.split(/\r?\n/)) {
    const last = headerList[headerList.length - 1];
    if (/^[ \t]/.test(line) && last) last.value += ` ${line.trim()}`;
    else {
      const colon = line.indexOf(':');
      if (colon > 0) headerList.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
    }
  }
  for (const h of headerList) h.value = decodeWords(h.value);
  const headers = Object.fromEntries(headerList.map((h) => [h.name.toLowerCase(), h.value]));
  const body = /base64/i.test(headers['content-transfer-encoding'] ?? '')
    ? Buffer.from(bodyRaw.replace(/\s+/g, ''), 'base64').toString('utf8')
    : bodyRaw;
  return { headers, headerList, text: body };
}
