/** Placeholder: refuses documents and variables nested too deep to handle (being built). */
import type { Plugin } from 'graphql-yoga';

export function useNestingLimits(): Plugin {
  return {};
}
