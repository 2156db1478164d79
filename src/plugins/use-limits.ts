/**
 * Limits on the GraphQL document, enforced at validation, before any resolver runs: depth, aliases,
 * tokens, directives and cost, by GraphQL Armor. Armor's rejections are plain validation errors; they are
 * tagged BAD_USER_INPUT here so clients get the contract's typed code.
 * Argument-level limits (ids, `first`, `in`, filters) live with the arguments (odata/query-options.ts).
 */
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export interface DocumentLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxCost: number;
}

/**
 * Makes an Armor rejection a typed request error: BAD_USER_INPUT with HTTP 400 (yoga reads `extensions.http`
 * and drops it from the body). Armor prefixes every message with "Syntax Error: ", also when the document
 * parsed fine and only a limit was hit: the prefix is dropped, the limit's own message kept.
 */
function tagBadUserInput(_context: unknown, error: GraphQLError): void {
  // The error is created by Armor for this rejection only, so changing it in place is safe.
  const extensions = error.extensions as Record<string, unknown>;
  extensions.code = 'BAD_USER_INPUT';
  extensions.http = { status: 400 };
  error.message = error.message.replace(/^Syntax Error: /, '');
}

export function useDocumentLimits(limits: DocumentLimits): Plugin {
  const reject = { onReject: [tagBadUserInput], propagateOnRejection: true, exposeLimits: true };
  return EnvelopArmorPlugin({
    // Introspection counts too: __Type.fields → __Field.type → __Type… nests without end. GraphiQL's own
    // introspection query is 21 deep, which bounds the default.
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: false, ...reject },
    maxAliases: { n: limits.maxAliases, ...reject },
    maxTokens: { n: limits.maxTokens, ...reject },
    maxDirectives: { n: 50, ...reject },
    costLimit: { maxCost: limits.maxCost, ...reject },
    // Suggestions follow INTROSPECTION (plugins/use-introspection.ts): while the schema is public they are
    // help, not a leak. Armor's masking would also only cover field names, not types or enum values.
    blockFieldSuggestion: { enabled: false },
  }) as Plugin;
}
