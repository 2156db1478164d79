/**
 * chooseUpstreamShapes: the shape the upstream declares unless ERROR_SHAPE overrides it, the default when the
 * metadata cannot be read, and one log line per outcome (never an exception).
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { chooseUpstreamShapes } from '../../src/metadata-startup.js';
import { checkMetadataText } from '../../src/odata/metadata-check.js';
import type { UpstreamMetadataCheck } from '../../src/odata/metadata-upstream.js';
import { metadataXml } from '@odata-gateway/odata-service';
import type { ErrorShape } from '../../src/odata/error-shape.js';
import { readFileSync } from 'node:fs';

function fromText(xml: string): UpstreamMetadataCheck {
  const result = checkMetadataText(xml);
  if (!result.readable) return { outcome: 'unreadable', problem: result.problem };
  return { outcome: result.report.verdict, report: result.report };
}

async function choose(result: UpstreamMetadataCheck | Error, override?: ErrorShape) {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const { errorShape: shape, operationType } = await chooseUpstreamShapes({
    config: { upstreamTimeoutMs: 1000, errorShapeOverride: override },
    serviceRoot: 'http://upstream.invalid/beta',
    log: createLogger('info', sink),
    check: async () => {
      if (result instanceof Error) throw result;
      return result;
    },
  });
  return { shape, operationType, lines: lines.map((l) => ({ level: l.level, msg: l.msg })) };
}

const v1 = readFileSync(new URL('../fixtures/csdl/v1.0.xml', import.meta.url), 'utf8');

describe('chooseUpstreamShapes', () => {
  it('takes the connectionOperation type the upstream declares for @odata.type, and only a Graph one', async () => {
    expect((await choose(fromText(v1))).operationType).toBe('microsoft.graph.externalConnectors.connectionOperation');
    expect((await choose(fromText(metadataXml()))).operationType).toBe('microsoft.graph.connectionOperation');
    expect((await choose({ outcome: 'unreadable', problem: 'x' })).operationType).toBe('microsoft.graph.connectionOperation');
    const hostile = v1.replace(/Namespace="microsoft\.graph\.externalConnectors"/, 'Namespace="evil&quot;,&quot;x"');
    expect(hostile).not.toBe(v1);
    expect((await choose(fromText(hostile))).operationType).toBe('microsoft.graph.connectionOperation');
  });

  it('takes the shape the upstream declares', async () => {
    expect((await choose(fromText(v1))).shape).toBe('publicError');
    expect((await choose(fromText(metadataXml()))).shape).toBe('errorDetail');
  });

  it('lets ERROR_SHAPE override it, with a warning when they disagree', async () => {
    const { shape, lines } = await choose(fromText(v1), 'errorDetail');
    expect(shape).toBe('errorDetail');
    expect(lines[1]).toEqual({ level: 40, msg: 'ERROR_SHAPE=errorDetail overrides the publicError error shape the upstream declares' });
  });

  it('goes on with the default (or the override) when the metadata cannot be read or the check fails', async () => {
    expect(await choose({ outcome: 'unreadable', problem: '$metadata answered HTTP 404' })).toEqual({
      shape: 'errorDetail',
      operationType: 'microsoft.graph.connectionOperation',
      lines: [{ level: 40, msg: 'upstream $metadata not checked ($metadata answered HTTP 404); writes send the errorDetail error shape' }],
    });
    expect((await choose({ outcome: 'unreadable', problem: 'x' }, 'publicError')).shape).toBe('publicError');
    expect((await choose(new Error('boom'))).shape).toBe('errorDetail');
  });

  it('keeps the default when the error type is unknown', async () => {
    const { shape, lines } = await choose(fromText(v1.replace('Type="graph.publicError"', 'Type="graph.resultInfo"')));
    expect(shape).toBe('errorDetail');
    expect(lines[0]?.level).toBe(40);
  });
});
