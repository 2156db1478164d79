/**
 * The GraphiQL page as this gateway serves it: yoga renders the bundled, offline GraphiQL; this plugin
 * serves it with the tabs fix (./use-graphiql-tabs-fix.ts: tabs that did not switch on a click on a first
 * visit) and compressed (./use-graphiql-compression.ts), both prepared once and reused.
 */
import type { Plugin } from 'graphql-yoga';
import { useGraphiQLCompression } from './use-graphiql-compression.js';
import { fixGraphiQLTabs } from './use-graphiql-tabs-fix.js';

export function useGraphiQLPage(): Plugin {
  return useGraphiQLCompression({ prepare: fixGraphiQLTabs });
}
