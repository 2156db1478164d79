/**
 * Which stored form of the GraphiQL page to send for a request's Accept-Encoding (RFC 9110 section 12.5.3):
 * br or gzip when acceptable (q > 0), br preferred at equal weight (it is about a fifth smaller), identity
 * otherwise. `*` stands for any encoding not named; `x-gzip` is an old name of gzip.
 */
import type { PageEncoding } from './page-files.js';

export function negotiateEncoding(acceptEncoding: string | null): PageEncoding | undefined {
  if (!acceptEncoding) return undefined;
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...parameters] = part.split(';').map((piece) => piece.trim());
    if (!name) continue;
    let q = 1;
    for (const parameter of parameters) {
      const match = /^q=([0-9.]+)$/i.exec(parameter);
      if (match) q = Number(match[1]);
    }
    weights.set(name.toLowerCase(), Number.isFinite(q) ? q : 0);
  }
  const weight = (name: string) => weights.get(name) ?? weights.get('*') ?? 0;
  const br = weight('br');
  const gz = Math.max(weight('gzip'), weights.get('x-gzip') ?? 0);
  if (br > 0 && br >= gz) return 'br';
  if (gz > 0) return 'gzip';
  return undefined;
}
