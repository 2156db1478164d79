/**
 * Fails when src/generated/graphql.ts is not what `npm run codegen` makes of schema.graphql: regenerates
 * it, compares byte for byte, and puts the committed file back so the check never changes the tree.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const generatedPath = 'src/generated/graphql.ts';
const committed = readFileSync(generatedPath, 'utf8');
execFileSync('npx', ['graphql-codegen', '--config', 'codegen.yml', '--silent'], { stdio: 'inherit' });
const fresh = readFileSync(generatedPath, 'utf8');
if (fresh !== committed) {
  writeFileSync(generatedPath, committed);
  console.error(`${generatedPath} is stale: run \`npm run codegen\` and commit the result.`);
  process.exit(1);
}
console.log(`${generatedPath} is in sync with schema.graphql.`);
