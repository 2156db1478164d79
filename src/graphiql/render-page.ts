/**
 * The GraphiQL page the gateway serves: yoga's bundled, offline GraphiQL (@graphql-yoga/render-graphiql) with
 * the gateway's title and example tabs (../graphiql-tabs.ts), and the tabs fix (./tabs-fix.ts).
 *
 * Build time only (./build-page.ts): this module imports GraphiQL's bundle, one 9 MB script that stays parsed
 * on the heap of whichever process imports it. The gateway never imports it; it serves the built files.
 *
 * Nothing of the gateway's run-time configuration goes into the page, so it can be rendered once for every
 * deployment: yoga hands its renderer only the `graphiql` options (these), and the page itself sends its
 * GraphQL requests to the URL it was loaded from (GraphiQL's `endpoint` defaults to `location.pathname`,
 * which holds behind any proxy path, PORT or HOST), subscriptions over SSE on that same URL (its default).
 */
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { graphiqlTabs } from '../graphiql-tabs.js';
import { fixGraphiQLTabs } from './tabs-fix.js';

export const GRAPHIQL_TITLE = 'OData GraphQL gateway';

export interface RenderedPage {
  html: string;
  /** False when render-graphiql's page no longer has the structure the tabs fix expects: served without it. */
  tabsFixed: boolean;
}

export function renderGraphiQLPage(): RenderedPage {
  const html = renderGraphiQL({ title: GRAPHIQL_TITLE, defaultTabs: graphiqlTabs });
  const fixed = fixGraphiQLTabs(html);
  return fixed === undefined ? { html, tabsFixed: false } : { html: fixed, tabsFixed: true };
}
