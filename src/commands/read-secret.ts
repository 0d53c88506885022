import { UsageError } from '../errors.js';

/** The first line of stdin (`--password-stdin`), without its line ending. Never echoed or logged. */
export async function readSecretLine(stdin: NodeJS.ReadableStream, what: string): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
    if (text.includes('\n')) break;
  }
  const line = text.split(/\r?\n/)[0] ?? '';
  if (!line) throw new UsageError(`--password-stdin: no ${what} on standard input`, `Pipe it in, e.g. \`printf '%s\\n' "$PASSWORD" | secure-api …\`.`);
  return line;
}
