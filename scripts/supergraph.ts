/**
 * The gateway as a Federation v2 subgraph, from the command line.
 *
 * With no arguments, prints this subgraph's SDL: `printSubgraphSchema(buildSchema())`, i.e. schema.graphql as
 * written (with its `@link` and both keys of ConnectionOperation, `@key(fields: "id")` and
 * `@key(fields: "connectionId operationId")`, without the federation definitions that
 * `buildSubgraphSchema` adds): the subgraph schema a composer or a schema registry takes. The running gateway
 * serves the same subgraph in expanded form (with those definitions) as `{ _service { sdl } }`.
 *
 * With arguments, composes a supergraph of this subgraph and the others given and prints the supergraph SDL
 * (what Hive Gateway, Apollo Gateway or Apollo Router load); on composition errors it prints them to stderr
 * and exits 1. The composer is `@theguild/federation-composition` (Hive's), or `@apollo/composition` with
 * `--composer apollo` (Apollo's; its composition hints go to stderr, the exit code stays 0).
 *
 * Usage:
 * ```sh
 * npm run -s supergraph > operations.graphql
 * npm run -s supergraph -- --url http://127.0.0.1:4000/graphql \
 *   deployments=../deployments/schema.graphql@http://127.0.0.1:4001/graphql > supergraph.graphql
 * npm run -s supergraph -- --composer apollo --url http://127.0.0.1:4000/graphql \
 *   deployments=../deployments/schema.graphql@http://127.0.0.1:4001/graphql > supergraph.graphql
 * ```
 * Options: `--url <url>` this subgraph's GraphQL endpoint as the router will reach it (required when
 * composing); `--name <name>` its subgraph name (default `operations`); `--composer guild|apollo` (default
 * `guild`); then one `name=path@url` per other subgraph (path to its SDL file, url its endpoint). Bad
 * arguments exit 2 with the usage.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { composeServices as composeWithApollo } from '@apollo/composition';
import { printSubgraphSchema } from '@apollo/subgraph';
import { composeServices as composeWithGuild } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { buildSchema } from '../src/gateway.js';

/** One subgraph to compose: its name, SDL and endpoint. */
export interface SubgraphSource {
  name: string;
  sdl: string;
  url: string;
}

/** This gateway's subgraph SDL (schema.graphql as a Federation v2 subgraph). */
export function subgraphSdl(): string {
  return printSubgraphSchema(buildSchema());
}

export type Composer = 'guild' | 'apollo';

/**
 * Composes with `@theguild/federation-composition` (`guild`, the default) or `@apollo/composition`
 * (`apollo`): the supergraph SDL with Apollo's hints as `CODE: message` (guild gives none), or the errors.
 */
export function composeSupergraph(
  subgraphs: readonly SubgraphSource[],
  composer: Composer = 'guild',
): { supergraphSdl: string; hints: string[] } | { errors: string[] } {
  const services = subgraphs.map(({ name, sdl, url }) => ({ name, url, typeDefs: parse(sdl) }));
  if (composer === 'guild') {
    const result = composeWithGuild(services);
    if (result.errors !== undefined) return { errors: result.errors.map((error) => error.message) };
    return { supergraphSdl: result.supergraphSdl, hints: [] };
  }
  const result = composeWithApollo(services);
  if (result.errors !== undefined) return { errors: result.errors.map((error) => error.message) };
  return { supergraphSdl: result.supergraphSdl, hints: result.hints.map((hint) => `${hint.definition.code}: ${hint.message}`) };
}

const OTHER_SUBGRAPH = /^([^=@]+)=(.+)@(https?:\/\/\S+)$/;

/** Reads `name=path@url` (the last `@http(s)://` starts the URL, so paths may contain `@`). */
export function parseSubgraphArgument(argument: string): { name: string; path: string; url: string } {
  const match = OTHER_SUBGRAPH.exec(argument);
  if (match === null) throw new TypeError(`expected name=path/to/schema.graphql@http://host/graphql, received ${JSON.stringify(argument)}`);
  return { name: match[1]!, path: match[2]!, url: match[3]! };
}

const USAGE =
  'usage: supergraph [--url <this subgraph URL> [--name <name>] [--composer guild|apollo] name=path/to/other.graphql@http://other/graphql ...]';

/** Where {@link run} writes: stdout and stderr by default. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

const processOutput: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** The command: prints the subgraph SDL or a supergraph, returns the exit code (0, 1 composition, 2 usage). */
export function run(argv: readonly string[], output: Output = processOutput): number {
  let values: { url?: string | undefined; name?: string | undefined; composer?: string | undefined };
  let positionals: string[];
  let others: Array<{ name: string; path: string; url: string }>;
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      options: { url: { type: 'string' }, name: { type: 'string' }, composer: { type: 'string' } },
      allowPositionals: true,
    }));
    others = positionals.map(parseSubgraphArgument);
    if (others.length === 0 && Object.keys(values).length === 0) {
      output.out(`${subgraphSdl()}\n`);
      return 0;
    }
    if (values.url === undefined || others.length === 0) throw new TypeError('composing needs --url and at least one name=path@url');
    if (values.composer !== undefined && values.composer !== 'guild' && values.composer !== 'apollo') {
      throw new TypeError(`--composer must be guild or apollo, received ${JSON.stringify(values.composer)}`);
    }
  } catch (error) {
    output.err(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  let result: ReturnType<typeof composeSupergraph>;
  try {
    const subgraphs: SubgraphSource[] = [
      { name: values.name ?? 'operations', url: values.url, sdl: subgraphSdl() },
      ...others.map(({ name, path, url }) => ({ name, url, sdl: readFileSync(path, 'utf8') })),
    ];
    result = composeSupergraph(subgraphs, values.composer === 'apollo' ? 'apollo' : 'guild');
  } catch (error) {
    // An unreadable file or an SDL that does not parse.
    output.err(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  if ('errors' in result) {
    for (const message of result.errors) output.err(`${message}\n`);
    return 1;
  }
  for (const hint of result.hints) output.err(`hint ${hint}\n`);
  output.out(`${result.supergraphSdl}\n`);
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = run(process.argv.slice(2));
}
