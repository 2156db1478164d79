/**
 * Runs the real relay-compiler binary over the Relay documents in this directory (Operations.ts) against the
 * repo's schema.graphql, into `artifactDirectory`.
 *
 * relay-compiler 21 cannot read schema.graphql as it is: its schema builder panics on any schema extension
 * ("not yet implemented: SchemaExtension not implemented: extend schema @link(...)"), and schema.graphql opens
 * with the Federation v2 `extend schema @link(...)`. So Relay gets schema.graphql with exactly its
 * `extend schema` definitions cut out (by their source locations, every other byte unchanged); the `@key`
 * directives on types are accepted without a declaration.
 *
 * `npm run relay` regenerates the checked-in artifacts (./__generated__); test/clients/relay.test.ts compiles
 * into a temporary directory and fails when they differ.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kind, parse } from 'graphql';

const require = createRequire(import.meta.url);

export const relayDir = fileURLToPath(new URL('.', import.meta.url));
export const checkedInArtifacts = join(relayDir, '__generated__');
export const schemaPath = fileURLToPath(new URL('../../../schema.graphql', import.meta.url));

/** schema.graphql without its schema extensions, which relay-compiler cannot build; and what was cut. */
export function relaySchemaSource(sdl: string): { sdl: string; removed: string[] } {
  const extensions = parse(sdl).definitions.filter((d) => d.kind === Kind.SCHEMA_EXTENSION);
  const removed: string[] = [];
  let out = sdl;
  for (const extension of [...extensions].reverse()) {
    const { start, end } = extension.loc!;
    removed.unshift(sdl.slice(start, end));
    out = out.slice(0, start) + out.slice(end);
  }
  return { sdl: out, removed };
}

export interface RelayCompileResult {
  code: number;
  output: string;
  /** What was cut from schema.graphql for Relay. */
  removed: string[];
}

/** Compiles into `artifactDirectory` (created when missing). */
export async function compileRelay(artifactDirectory: string): Promise<RelayCompileResult> {
  const binary = require('relay-compiler') as string | null;
  if (typeof binary !== 'string') throw new Error(`relay-compiler has no binary for ${process.platform}/${process.arch}`);
  const work = await mkdtemp(join(tmpdir(), 'relay-schema-'));
  try {
    const { sdl, removed } = relaySchemaSource(await readFile(schemaPath, 'utf8'));
    await writeFile(join(work, 'schema.graphql'), sdl);
    await mkdir(artifactDirectory, { recursive: true });
    // Absolute paths: relay-compiler resolves relative ones against its working directory, not the config's.
    const config = {
      src: relayDir,
      schema: join(work, 'schema.graphql'),
      language: 'typescript',
      artifactDirectory,
      eagerEsModules: true,
      excludes: ['**/node_modules/**', '**/__generated__/**', '**/*.test.ts', '**/compile.ts'],
    };
    await writeFile(join(work, 'relay.config.json'), JSON.stringify(config, null, 2));
    const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(binary, ['--noWatchman', '--output', 'quiet-with-errors', join(work, 'relay.config.json')], { cwd: work }, (error, stdout, stderr) => {
        const exit = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code: exit, output: `${stdout}${stderr}` });
      });
    });
    return { code, output, removed };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

// `npm run relay`: regenerate the checked-in artifacts.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await rm(checkedInArtifacts, { recursive: true, force: true });
  const result = await compileRelay(checkedInArtifacts);
  process.stdout.write(result.output);
  process.exitCode = result.code;
}
