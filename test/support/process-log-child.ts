/**
 * A process that logs more lines than one batch holds, then announces itself at once: process-log.test.ts
 * checks the announcement comes out after every one of them.
 */
import { createProcessLog } from '../../src/logger.js';

const { log, announce } = createProcessLog('info');
const lines = Number(process.argv[2] ?? '200');
for (let index = 0; index < lines; index += 1) log.info({ index, padding: 'x'.repeat(60) }, 'line before the announcement');
announce('ANNOUNCED');
