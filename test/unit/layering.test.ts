/**
 * The upstream-client layer (src/odata) and the request-scoped operations layer (src/operations) know
 * nothing of GraphQL: no import of graphql, graphql-yoga, the generated resolver types, the resolvers or the
 * GraphQL context, directly or through another module of the gateway.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
const FORBIDDEN_PACKAGES = /^(graphql|graphql-yoga|@graphql-|@apollo\/|@escape\.tech\/)/;
const FORBIDDEN_MODULES = ['generated/graphql.ts', 'context.ts', 'gateway.ts', 'selection.ts'];

/** Every module `file` imports, transitively, inside src (as paths relative to src), and packages it imports. */
function importsOf(file: string, seen = new Set<string>(), packages = new Set<string>()): { modules: Set<string>; packages: Set<string> } {
  const text = readFileSync(file, 'utf8');
  for (const [, specifier] of text.matchAll(/(?:import|export)[^'"]*?from\s+'([^']+)'/g)) {
    if (!specifier!.startsWith('.')) {
      packages.add(specifier!);
      continue;
    }
    const target = resolve(dirname(file), specifier!.replace(/\.js$/, '.ts'));
    const name = relative(src, target);
    if (seen.has(name)) continue;
    seen.add(name);
    importsOf(target, seen, packages);
  }
  return { modules: seen, packages };
}

describe('layering', () => {
  for (const layer of ['odata', 'operations']) {
    for (const file of readdirSync(join(src, layer)).filter((f) => f.endsWith('.ts'))) {
      it(`${layer}/${file} imports nothing of GraphQL`, () => {
        const { modules, packages } = importsOf(join(src, layer, file));
        expect([...packages].filter((p) => FORBIDDEN_PACKAGES.test(p))).toEqual([]);
        expect([...modules].filter((m) => FORBIDDEN_MODULES.includes(m) || m.startsWith('resolvers/') || m.startsWith('plugins/'))).toEqual([]);
      });
    }
  }
});
