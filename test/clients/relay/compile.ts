/**
 * Runs the real relay-compiler binary over the Relay documents in this directory (Operations.ts) against the
 * repo's schema.graphql as it is, into `artifactDirectory`. (relay-compiler 21 panics on schema extensions,
 * so schema.graphql links the federation spec in a `schema @link(...) { … }` definition, not in
 * `extend schema`; the `@key` directives on types need no declaration.)
 *
 * `npm run relay` regenerates the checked-in artifacts (./__generated__); test/clients/relay.test.ts compiles
 * into a temporary directory and fails when they differ.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

export const relayDir = fileURLToPath(new URL('.', import.meta.url));
export const checkedInArtifacts = join(relayDir, '__generated__');
export const schemaPath = fileURLToPath(new URL('../../../schema.graphql', import.meta.url));

export interface RelayCompileResult {
  code: number;
  output: string;
}

/** Compiles into `artifactDirectory` (created when missing). */
export async function compileRelay(artifactDirectory: string): Promise<RelayCompileResult> {
  const binary = require('relay-compiler') as string | null;
  if (typeof binary !== 'string') throw new Error(`relay-compiler has no binary for ${process.platform}/${process.arch}`);
  const work = await mkdtemp(join(tmpdir(), 'relay-config-'));
  try {
    await mkdir(artifactDirectory, { recursive: true });
    // Absolute paths: relay-compiler resolves relative ones against its working directory, not the config's.
    const config = {
      src: relayDir,
      schema: schemaPath,
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
    return { code, output };
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
