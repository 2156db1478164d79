/**
 * Refuses documents and variables nested deeper than the gateway can handle, before anything recursive
 * runs on them. graphql-js parses documents by recursive descent, and it and graphql-tools' executor coerce
 * variables by recursion along the value; GraphQL Armor's depth and cost checks recurse over the document
 * too. Input nested deep enough overflows the call stack in one of them: a RangeError, masked as an
 * HTTP 500 with a stack trace in the log. The checks here are iterative and linear, so they cannot overflow
 * themselves (about 0.5 µs for a typical query or its variables, under 1 ms for a 256 KiB document), and a
 * refusal is an expected BAD_USER_INPUT with HTTP 400.
 *
 * Where things break (Node 20.20, default stack, a fresh process, through the whole gateway; counted as
 * {@link documentNesting} and {@link jsonNesting} count):
 * - documents: the parser overflows first. Nested object literals in an argument (`{a: {a: …}}`) are the
 *   costliest shape and overflow at a nesting of 1578; `{or: [{or: […]}]}` at 1759, nested lists at 1984,
 *   nested selection sets at 1986 and nested inline fragments at 2051.
 * - variables: graphql-js' `coerceInputValue` (and the executor's snapshot of the value after it) overflow
 *   at a nesting of about 1430 (an `or` filter 714 levels deep). JSON.parse itself is iterative and is not
 *   the limit. Variables the schema never looks into (an unused variable, or one of an `_Any` scalar) were
 *   measured harmless even 28,000 deep, but are refused all the same: a limit that depends on the schema
 *   would be a trap for the next field.
 *
 * The limits below keep more than 3× (documents) and 5× (variables) of headroom under those, and are far
 * above what a legitimate request needs: a document's nesting is its selection depth (inline fragments
 * included, as MAX_DEPTH counts them) plus the nesting of one argument value, so MAX_DEPTH at its ceiling of
 * 200 plus the deepest filter the resolvers accept (`or` 4 levels deep: about 12) stays well under 512,
 * and MAX_DEPTH (GraphQL Armor) is what refuses a deep normal document. GraphiQL's introspection query
 * nests 10 levels. The deepest variables the resolvers accept nest about 12 levels.
 */
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { ErrorCode } from '../errors.js';

export interface NestingLimits {
  /** Deepest nesting of `{` and `[` in a document (strings and comments excepted). Default 512. */
  maxDocumentNesting: number;
  /** Deepest nesting of objects and arrays in `variables`, the variables object itself counting 1. Default 256. */
  maxVariableNesting: number;
}

export const defaultNestingLimits: NestingLimits = { maxDocumentNesting: 512, maxVariableNesting: 256 };

const LEFT_BRACE = 0x7b;
const RIGHT_BRACE = 0x7d;
const LEFT_BRACKET = 0x5b;
const RIGHT_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const HASH = 0x23;
const LF = 0x0a;
const CR = 0x0d;

/**
 * The deepest nesting of `{` and `[` in a GraphQL document, outside strings, block strings and comments:
 * the depth of the parser's recursion, up to a constant. Parentheses need not count: an argument list
 * closes before any selection set opens, so `(` only ever adds one level to the values inside it.
 * Returns as soon as the nesting passes `limit`. Closers never take it below zero, and on text the lexer
 * would refuse (an unterminated string) it keeps counting rather than stop: it may over-count a document
 * that is a syntax error anyway, never under-count one the parser would descend into.
 */
export function documentNesting(text: string, limit = Number.POSITIVE_INFINITY): number {
  const length = text.length;
  let depth = 0;
  let deepest = 0;
  let i = 0;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c === LEFT_BRACE || c === LEFT_BRACKET) {
      depth += 1;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
      i += 1;
    } else if (c === RIGHT_BRACE || c === RIGHT_BRACKET) {
      if (depth > 0) depth -= 1;
      i += 1;
    } else if (c === HASH) {
      // A comment runs to the end of the line.
      i += 1;
      while (i < length && text.charCodeAt(i) !== LF && text.charCodeAt(i) !== CR) i += 1;
    } else if (c === QUOTE && text.charCodeAt(i + 1) === QUOTE && text.charCodeAt(i + 2) === QUOTE) {
      // A block string ends at the next `"""`; its only escape is `\"""`.
      i += 3;
      while (i < length) {
        const d = text.charCodeAt(i);
        if (d === QUOTE && text.charCodeAt(i + 1) === QUOTE && text.charCodeAt(i + 2) === QUOTE) {
          i += 3;
          break;
        }
        if (d === BACKSLASH && text.charCodeAt(i + 1) === QUOTE && text.charCodeAt(i + 2) === QUOTE && text.charCodeAt(i + 3) === QUOTE) i += 4;
        else i += 1;
      }
    } else if (c === QUOTE) {
      // A string ends at an unescaped `"`, or (a syntax error) at the end of the line.
      i += 1;
      while (i < length) {
        const d = text.charCodeAt(i);
        if (d === QUOTE) {
          i += 1;
          break;
        }
        if (d === LF || d === CR) break;
        i += d === BACKSLASH ? 2 : 1;
      }
    } else {
      i += 1;
    }
  }
  return deepest;
}

function isContainer(value: unknown): value is object {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return true;
  const prototype: unknown = Object.getPrototypeOf(value);
  // Only what JSON.parse makes: plain objects (and arrays, above); never an upload's File or the like.
  return prototype === Object.prototype || prototype === null;
}

/**
 * The deepest nesting of arrays and objects in a JSON value (a scalar is 0, `[]` and `{}` are 1,
 * `{"a": [1]}` is 2), by an iterative walk with an explicit stack. Returns as soon as it passes `limit`.
 */
export function jsonNesting(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  if (!isContainer(value)) return 0;
  // Containers still to open, each with its own nesting.
  const pending: object[] = [value];
  const depths: number[] = [1];
  let deepest = 0;
  while (pending.length > 0) {
    const container = pending.pop()!;
    const depth = depths.pop()!;
    if (depth > deepest) {
      deepest = depth;
      if (deepest > limit) return deepest;
    }
    for (const child of Array.isArray(container) ? container : Object.values(container)) {
      if (isContainer(child)) {
        pending.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return deepest;
}

function refusal(message: string): Error {
  const code: ErrorCode = 'BAD_USER_INPUT';
  return createGraphQLError(message, { extensions: { code, http: { status: 400 } } });
}

/**
 * The plugin. It checks the parameters as they will be executed, so it must come after the persisted-query
 * plugin in the list: a request that names a stored query by its hash is checked against the stored text.
 */
export function useNestingLimits(limits: Partial<NestingLimits> = {}): Plugin {
  const { maxDocumentNesting, maxVariableNesting } = { ...defaultNestingLimits, ...limits };
  return {
    onParams({ params }) {
      // Parameters of the wrong type are left to yoga's own checks, which run after this plugin.
      if (typeof params.query === 'string' && documentNesting(params.query, maxDocumentNesting) > maxDocumentNesting) {
        throw refusal(`The document nests \`{\` or \`[\` deeper than ${maxDocumentNesting} levels.`);
      }
      if (jsonNesting(params.variables, maxVariableNesting) > maxVariableNesting) {
        throw refusal(`\`variables\` nest objects and arrays deeper than ${maxVariableNesting} levels.`);
      }
    },
  };
}
