/**
 * Child process: the bare graphql-js reference server (bare.ts) over UPSTREAM_URL, on a free loopback port.
 * Answers `memory` as the gateway child does, so the report can set the two side by side.
 */
import { createBareServer } from '../bare.js';
import { announceReady, processMemory, serveCommands } from '../child-side.js';
import { listenOnLoopback } from '../loopback.js';

const serviceRoot = process.env.UPSTREAM_URL;
if (serviceRoot === undefined) throw new Error('bench bare child: UPSTREAM_URL must be set (the bench upstream child).');
const connections = Number(process.env.UPSTREAM_CONNECTIONS ?? '32');

const bare = createBareServer({ serviceRoot, connections });
const url = await listenOnLoopback(bare.server);

serveCommands({ memory: processMemory, shutdown: () => bare.close() });
await announceReady(url);
