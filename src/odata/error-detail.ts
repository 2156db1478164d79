/**
 * `connectionOperation.error` in both of Microsoft Graph's shapes (see error-shape.ts): reading either into
 * the one model the GraphQL `ErrorDetail` type serves, and building the request body of the shape an
 * upstream uses. Pure functions: no HTTP, no GraphQL.
 *
 * Reading is decided per object, not per response: an upstream in transition, or a proxy merging two, may
 * send an errorDetail whose details are publicErrorDetails. An error is data, so nothing here ever throws:
 * a property that is not a string reads as null, unknown properties are ignored.
 */
import type { ErrorShape } from './error-shape.js';
import { isRecord } from './json.js';

export interface InnerErrorDetailModel {
  /** innerErrorDetail.source, or publicErrorDetail.target. */
  source: string | null;
  message: string | null;
  /** publicErrorDetail.code (an innerErrorDetail has none). */
  code: string | null;
}

export interface ErrorDetailModel {
  /** errorDetail.errorCode, or publicError.code. */
  errorCode: string | null;
  message: string | null;
  /** publicError.target (an errorDetail has none). */
  target: string | null;
  details: InnerErrorDetailModel[] | null;
}

/** What a write may say about an error (the GraphQL input, minus its bounds checks). */
export interface ErrorDetailWrite {
  errorCode?: string | null;
  message?: string | null;
  target?: string | null;
  details?: ReadonlyArray<{ source?: string | null; message?: string | null; code?: string | null }> | null;
}

const ODATA_TYPES = {
  errorDetail: { error: '#microsoft.graph.errorDetail', detail: '#microsoft.graph.innerErrorDetail' },
  publicError: { error: '#microsoft.graph.publicError', detail: '#microsoft.graph.publicErrorDetail' },
} as const satisfies Record<ErrorShape, { error: string; detail: string }>;

function optionalString(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/**
 * The shape an object's `@odata.type` names (with or without `#`), or undefined when it has none or names
 * a type of neither shape (then its properties decide).
 */
function annotatedShape(value: Record<string, unknown>, level: 'error' | 'detail'): ErrorShape | undefined {
  const type = value['@odata.type'];
  if (typeof type !== 'string') return undefined;
  const name = type.startsWith('#') ? type : `#${type}`;
  if (name === ODATA_TYPES.errorDetail[level]) return 'errorDetail';
  if (name === ODATA_TYPES.publicError[level]) return 'publicError';
  return undefined;
}

/**
 * The shape of one object: its `@odata.type` when that names one, else the property only that shape has
 * (`legacyOnly`: errorCode or source). An object with neither (only `message`, say) reads the same either way.
 */
function shapeOf(value: Record<string, unknown>, level: 'error' | 'detail', legacyOnly: string): ErrorShape {
  return annotatedShape(value, level) ?? (legacyOnly in value ? 'errorDetail' : 'publicError');
}

function parseInnerErrorDetail(value: unknown): InnerErrorDetailModel | null {
  if (!isRecord(value)) return null;
  const message = optionalString(value.message);
  if (shapeOf(value, 'detail', 'source') === 'errorDetail') return { source: optionalString(value.source), message, code: null };
  return { source: optionalString(value.target), message, code: optionalString(value.code) };
}

/** Reads `connectionOperation.error` of either shape; null when it is not an object. */
export function parseErrorDetail(value: unknown): ErrorDetailModel | null {
  if (!isRecord(value)) return null;
  const details = Array.isArray(value.details)
    ? value.details.map(parseInnerErrorDetail).filter((d): d is InnerErrorDetailModel => d !== null)
    : null;
  const message = optionalString(value.message);
  if (shapeOf(value, 'error', 'errorCode') === 'errorDetail') {
    return { errorCode: optionalString(value.errorCode), message, target: null, details };
  }
  return { errorCode: optionalString(value.code), message, target: optionalString(value.target), details };
}

/** Drops undefined members, so that only what the client gave is sent (an explicit null is sent). */
function defined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

/**
 * The request body of an error in `shape`, with the `@odata.type` annotations Microsoft Graph expects on
 * each structured value. For an errorDetail upstream, `target` and the details' `code` are dropped: that
 * shape has no property to carry them, and an OData service rejects unknown properties of a complex type.
 */
export function errorDetailBody(error: ErrorDetailWrite, shape: ErrorShape): Record<string, unknown> {
  const types = ODATA_TYPES[shape];
  const details =
    error.details == null
      ? error.details
      : error.details.map((d) => ({
          '@odata.type': types.detail,
          ...(shape === 'errorDetail'
            ? defined({ source: d.source, message: d.message })
            : defined({ code: d.code, message: d.message, target: d.source })),
        }));
  return {
    '@odata.type': types.error,
    ...(shape === 'errorDetail'
      ? defined({ errorCode: error.errorCode, message: error.message, details })
      : defined({ code: error.errorCode, message: error.message, target: error.target, details })),
  };
}
