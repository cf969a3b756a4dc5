/**
 * The short list of binary file types a vault may hold without its content being scanned (issue 12):
 * scans, photos and PDFs that arrive as attachments. They get the name rules only. Every other binary
 * file blocks the sync, because the guard cannot tell that it holds no secret (an archive, a database, an
 * office document: each can carry a key in compressed or structured form).
 *
 * Why a signature as well as the extension: renaming `keys.zip` to `keys.jpg` must not wave it through.
 * The list is documented in docs/security.md; keep the two in step.
 */
export interface BinaryType {
  readonly type: string;
  readonly extensions: readonly string[];
  /** True when the file's first bytes are this format's signature. */
  readonly signature: (head: Buffer) => boolean;
}

const startsWith = (head: Buffer, bytes: readonly number[], at = 0) =>
  head.length >= at + bytes.length && bytes.every((b, i) => head[at + i] === b);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));
/** ISO base media (HEIC, MP4, MOV, M4A): a box size, then `ftyp`. */
const ftyp = (head: Buffer) => startsWith(head, ascii('ftyp'), 4);

export const ALLOWED_BINARY_TYPES: readonly BinaryType[] = [
  { type: 'pdf', extensions: ['pdf'], signature: (h) => startsWith(h, ascii('%PDF-')) },
  {
    type: 'png',
    extensions: ['png'],
    signature: (h) => startsWith(h, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  },
  { type: 'jpeg', extensions: ['jpg', 'jpeg'], signature: (h) => startsWith(h, [0xff, 0xd8, 0xff]) },
  {
    type: 'gif',
    extensions: ['gif'],
    signature: (h) => startsWith(h, ascii('GIF87a')) || startsWith(h, ascii('GIF89a')),
  },
  {
    type: 'webp',
    extensions: ['webp'],
    signature: (h) => startsWith(h, ascii('RIFF')) && startsWith(h, ascii('WEBP'), 8),
  },
  { type: 'heic', extensions: ['heic', 'heif'], signature: ftyp },
  {
    type: 'tiff',
    extensions: ['tif', 'tiff'],
    signature: (h) => startsWith(h, [0x49, 0x49, 0x2a, 0]) || startsWith(h, [0x4d, 0x4d, 0, 0x2a]),
  },
  { type: 'bmp', extensions: ['bmp'], signature: (h) => startsWith(h, ascii('BM')) },
  { type: 'ico', extensions: ['ico'], signature: (h) => startsWith(h, [0, 0, 1, 0]) },
  {
    type: 'mp3',
    extensions: ['mp3'],
    signature: (h) => startsWith(h, ascii('ID3')) || startsWith(h, [0xff, 0xfb]) || startsWith(h, [0xff, 0xf3]),
  },
  { type: 'm4a', extensions: ['m4a', 'mp4', 'mov'], signature: ftyp },
  {
    type: 'wav',
    extensions: ['wav'],
    signature: (h) => startsWith(h, ascii('RIFF')) && startsWith(h, ascii('WAVE'), 8),
  },
  { type: 'ogg', extensions: ['ogg', 'oga', 'opus'], signature: (h) => startsWith(h, ascii('OggS')) },
];

/** The allowed type of a binary file, by extension and signature together; undefined when not allowed. */
export function allowedBinaryType(relPath: string, head: Buffer): string | undefined {
  const name = relPath.slice(relPath.lastIndexOf('/') + 1).toLowerCase();
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const ext = name.slice(dot + 1);
  const found = ALLOWED_BINARY_TYPES.find((t) => t.extensions.includes(ext));
  return found?.signature(head) ? found.type : undefined;
}

/** The extensions on the list, for messages and docs. */
export const ALLOWED_BINARY_EXTENSIONS: readonly string[] = ALLOWED_BINARY_TYPES.flatMap((t) => t.extensions);
