/**
 * yoga's `renderGraphiQL` for the bundled, offline GraphiQL, with @graphql-yoga/render-graphiql imported on
 * the first GraphiQL request instead of at start. That module is one 9 MB script (React, Monaco and its
 * workers, fonts) that stays parsed in memory once loaded, and most gateway processes (behind a router, in
 * front of frontends) never serve the page. The first page waits for the import; later ones do not.
 */
import type { GraphiQLOptions } from 'graphql-yoga';

type Render = (options?: GraphiQLOptions) => string;

let render: Render | undefined;
let loading: Promise<Render> | undefined;

export function renderGraphiQL(options: GraphiQLOptions): string | Promise<string> {
  if (render) return render(options);
  // Concurrent first requests share one import; a failed import is tried again by the next request.
  loading ??= import('@graphql-yoga/render-graphiql').then(
    (module) => (render = module.renderGraphiQL),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading.then((loaded) => loaded(options));
}
