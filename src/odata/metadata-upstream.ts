/**
 * Reads an upstream's `{root}/$metadata` once and checks it (metadata-check.ts), for the start of the
 * gateway and `npm run check-upstream`. One request with one hard timer over connect, headers and the
 * whole body, a cap on the bytes read, and its own short-lived connection pool (of one connection): a slow, huge or absent
 * upstream costs at most `timeoutMs` and never an exception. Problems name no URL and no credential.
 */
import type { Dispatcher } from 'undici';
import { Pool } from './undici-pool.js';
import { errorCode } from './client.js';
import { DEFAULT_CSDL_MAX_CHARS } from './csdl.js';
import { checkMetadataText, type MetadataReport } from './metadata-check.js';

export interface MetadataFetchOptions {
  /** Bound of the whole read, in ms. */
  timeoutMs: number;
  /** Sent as `Authorization` when given (a protected upstream); never logged or printed. */
  authorization?: string;
  /** Largest body read, in bytes. Default 64 MiB. */
  maxBytes?: number;
}

export type UpstreamMetadataCheck =
  | { outcome: 'fine' | 'drift'; report: MetadataReport }
  | { outcome: 'unreadable'; problem: string };

type FetchResult = { ok: true; xml: string } | { ok: false; problem: string };

/** Bytes of an answer the check has no use for (an error's body) read to its end before the socket is let go. */
const DISCARDED_BYTES_MAX = 64 * 1024;

/**
 * Lets go of a body the check will not read, as undici documents (`body.dump()`): read to its end when small,
 * else destroyed by dump itself, which listens for the 'error' that destroy emits. A body destroyed with no
 * listener (`body.destroy()` alone) emits RequestAbortedError once its answer has fully arrived, and an
 * 'error' with no listener ends the process. The check's timer bounds the wait: it aborts the request, which
 * destroys the body (undici adds its own listener then), and dump resolves on the 'close' that follows.
 */
async function discard(body: Dispatcher.ResponseData['body']): Promise<void> {
  await body.dump({ limit: DISCARDED_BYTES_MAX });
}

/**
 * The whole body as text, or undefined once it passes `maxBytes`. Leaving the loop early destroys the body
 * through its async iterator, which listens for the resulting 'error' itself.
 */
async function readCapped(body: Dispatcher.ResponseData['body'], maxBytes: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** GETs `{serviceRoot}/$metadata` as text. Never throws. */
export async function fetchMetadata(serviceRoot: string, options: MetadataFetchOptions): Promise<FetchResult> {
  const maxBytes = options.maxBytes ?? DEFAULT_CSDL_MAX_CHARS;
  const tooLarge = `$metadata is larger than ${maxBytes} bytes`;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), options.timeoutMs);
  let pool: Pool | undefined;
  try {
    const url = new URL(`${serviceRoot.replace(/\/+$/, '')}/$metadata`);
    pool = new Pool(url.origin, { connections: 1, connect: { timeout: options.timeoutMs } });
    const headers: Record<string, string> = { accept: 'application/xml' };
    if (options.authorization !== undefined) headers['authorization'] = options.authorization;
    const response = await pool.request({ path: url.pathname + url.search, method: 'GET', signal: abort.signal, headers });
    if (response.statusCode !== 200) {
      await discard(response.body);
      return { ok: false, problem: `$metadata answered HTTP ${response.statusCode}` };
    }
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      await discard(response.body);
      return { ok: false, problem: tooLarge };
    }
    const xml = await readCapped(response.body, maxBytes);
    return xml === undefined ? { ok: false, problem: tooLarge } : { ok: true, xml };
  } catch (error) {
    if (abort.signal.aborted) return { ok: false, problem: `no complete answer to $metadata within ${options.timeoutMs} ms` };
    return { ok: false, problem: `$metadata could not be read (${errorCode(error) ?? 'network error'})` };
  } finally {
    clearTimeout(timer);
    // Sockets of a slow upstream are cut, not waited for.
    pool?.destroy().catch(() => undefined);
  }
}

/** Reads and checks the upstream's `$metadata`. Never throws. */
export async function checkUpstreamMetadata(serviceRoot: string, options: MetadataFetchOptions): Promise<UpstreamMetadataCheck> {
  const fetched = await fetchMetadata(serviceRoot, options);
  if (!fetched.ok) return { outcome: 'unreadable', problem: fetched.problem };
  const checked = checkMetadataText(fetched.xml, { maxChars: options.maxBytes ?? DEFAULT_CSDL_MAX_CHARS });
  if (!checked.readable) return { outcome: 'unreadable', problem: `$metadata: ${checked.problem}` };
  return { outcome: checked.report.verdict, report: checked.report };
}
