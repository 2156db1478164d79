/**
 * One of the built GraphiQL page files (./page-files.ts), opened for one response. Its size and entity tag
 * come from the open file, and its bytes are streamed from that same file: a build replacing the files
 * meanwhile (it renames new ones into place) cannot make the Content-Length or the tag disagree with the
 * bytes sent. Nothing of the page is kept in memory between responses.
 */
import type { ReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { pageFileName, type PageEncoding } from './page-files.js';

export interface OpenedPage {
  size: number;
  /**
   * A strong entity tag: the encoding, the size and the modification time of the file. A build writes a file
   * only when the page changed, so the tag holds across builds and restarts while the page stays the same.
   */
  etag: string;
  /** The file's bytes; the file is closed when the stream ends or is destroyed. */
  stream(): ReadStream;
  /** Closes the file without reading it (a 304). */
  close(): Promise<void>;
}

export async function openPage(directory: URL, encoding: PageEncoding | undefined): Promise<OpenedPage> {
  const handle: FileHandle = await open(new URL(pageFileName(encoding), directory));
  const { size, mtimeMs } = await handle.stat();
  return {
    size,
    etag: `"${encoding ?? 'identity'}-${size.toString(36)}-${Math.trunc(mtimeMs).toString(36)}"`,
    stream: () => handle.createReadStream(),
    close: () => handle.close(),
  };
}
