/**
 * INTROSPECTION=on|off: whether clients may read the schema, and with it whether errors suggest names.
 *
 * On (the default), the schema is public anyway (GraphiQL reads it whole), so graphql-js's "Did you mean
 * "status"?" is plain help and stays. Off, an operator hides the schema from clients: `__schema` and
 * `__type` are refused at validation (graphql-js's NoSchemaIntrospectionCustomRule, on the yoga path, the
 * direct path and graphql-ws alike, since all three validate with yoga's `validate`), and every suggestion
 * is cut from error messages, since a suggestion spells out the names introspection would have shown.
 * `__typename` stays (clients' caches need it), and so does the federation `_service { sdl }` field: a
 * router composes the supergraph from it, so it is how the schema reaches routers while clients cannot read it.
 */
import { GraphQLError, NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export type IntrospectionMode = 'on' | 'off';

/**
 * graphql-js ends a message with its suggestions (jsutils/didYouMean: ` Did you mean "a", "b", or "c"?`, and
 * ` Did you mean the enum value "X"?`). The rest of the message (the unknown name the client sent, and
 * where) stays.
 */
const SUGGESTION = / Did you mean [^?]*\?$/;

/**
 * Cuts the suggestion from `error`'s message, in place. In place on purpose: yoga logs, at error level, every
 * error its mask replaces with another, and the errors changed here are fresh per request (execution's) or
 * always changed the same way (validation's, which yoga caches per document), so nothing sees both texts.
 */
export function cutSuggestion(error: GraphQLError): GraphQLError {
  if (SUGGESTION.test(error.message)) error.message = error.message.replace(SUGGESTION, '');
  return error;
}

/**
 * The validation side of INTROSPECTION=off (nothing at all when on). Errors of execution's own request
 * checks (a variable's unknown input field or enum value, which graphql-js also suggests for) lose their
 * suggestion in the error mask (error-mask.ts), which both request paths apply.
 */
export function useIntrospection(mode: IntrospectionMode): Plugin {
  if (mode === 'on') return {};
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(NoSchemaIntrospectionCustomRule);
      return ({ valid, result }) => {
        if (!valid) for (const error of result) cutSuggestion(error);
      };
    },
  };
}
