/**
 * The node flags `npm start` gives the gateway process (package.json's start script): the bench runs its
 * gateway children with them, and the bare server too, so that the two are compared on the same runtime
 * settings and the gateway as it is deployed. Pure: the script text in, the flags out.
 */

/** The `--` flags between `node` and `dist/main.js` in a start script; none when it runs no such command. */
export function startNodeFlags(startScript: string): string[] {
  const match = /(?:^|\s)node((?:\s+--[^\s]+)*)\s+dist\/main\.js(?:\s|$)/.exec(startScript);
  return match === null ? [] : match[1]!.trim().split(/\s+/).filter((flag) => flag.startsWith('--'));
}
