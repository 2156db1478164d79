/**
 * A fix served with the GraphiQL page for tabs that do not switch on a mouse click on a first visit.
 *
 * GraphiQL 5 (bundled by @graphql-yoga/render-graphiql) renders its tabs as framer-motion `Reorder.Item`s
 * (draggable, `dragSnapToOrigin`, `dragConstraints` = the tab strip). Two things go wrong:
 *
 * 1. Each tab measures its layout box in its mount effect, before GraphiQL's resizable-pane hook (an effect
 *    of a parent, so it runs later) collapses the plugin pane (the doc explorer, about a third of the
 *    width). The drag constraints derived from that stale box (tab strip minus tab) lie entirely left of
 *    the tab's resting offset 0.
 * 2. framer-motion observes the tab and the tab strip with a ResizeObserver. On the first size change
 *    after mount it re-maps each tab's offset proportionally from the old constraints to the new ones
 *    (`scalePositionWithinConstraints`), which through the stale constraints clamps to the far end:
 *    every tab gets `transform: translateX(<hundreds of px>)` and keeps it.
 *
 * On a first visit that size change always happens: the tabs are first laid out in a fallback font and
 * shrink a little when GraphiQL's embedded Roboto (`font-display: swap`) has loaded. On a reload the fonts
 * come from the memory cache, the first layout is final and nothing triggers the re-map, which is why a
 * reload "fixes" it (localStorage plays no part: a fresh profile with a pre-filled localStorage has the
 * bug, a reload with a cleared one does not). GraphiQL's own CSS hides the stuck transform with
 * `.graphiql-tab:not(:focus-within) { transform: none !important }`, so nothing looks wrong, but pressing
 * the mouse focuses the tab's button, the transform applies, the tab jumps away from under the pointer,
 * and the click lands on the tab strip: no tab change (framer-motion snaps the tab back on release, so a
 * second click works).
 *
 * The same re-map also strands the tabs whenever the tab strip becomes narrower than its tabs later on (a
 * narrow window, or opening the doc explorer with the seven example tabs): the proportional re-map of 0 is
 * then not 0 even with correct constraints.
 *
 * The fix, served with the page:
 * - the empty (collapsed) plugin pane takes no room from the first layout on, so the tabs are measured
 *   where they stay and their drag constraints are right;
 * - GraphiQL mounts once the fonts its tabs and editors use are loaded (a short wait, bounded), so a first
 *   visit lays the tabs out in their final font, as a reload does, and nothing re-maps them;
 * - a tab's drag offset shows only while a drag is really under way (the pointer moved 3 px, framer-motion's
 *   own drag threshold), instead of whenever the tab has focus: a click never moves the tab from under the
 *   pointer, whatever offset framer-motion left on it (it resets the offset to 0 on release).
 */

/** Fonts used by GraphiQL's tabs (Roboto 400/500) and editors (Fira Code), all embedded in the page. */
const FONTS = ['400 1em Roboto', '500 1em Roboto', '400 1em "Fira Code"'];
/** GraphiQL mounts after this long even if a font never loads. */
const FONT_WAIT_MS = 3000;

const STYLE = `<style data-gateway-fix="graphiql-tabs">
  /* GraphiQL collapses an empty plugin pane only after its tabs measured themselves: take it out of the
     layout from the start (an open plugin pane has content and shows as usual). */
  .graphiql-plugin:empty { display: none; }
  /* GraphiQL shows a tab's drag offset whenever the tab has focus (pressing it focuses it); show it only
     while the tab strip is being dragged in. */
  .graphiql-tabs:not([data-gateway-dragging]) > .graphiql-tab { transform: none !important; }
</style>`;

/** Marks the tab strip while a tab is dragged: from 3 px of movement until its snap-back has played. */
const DRAG_MARKER = `<script data-gateway-fix="graphiql-tabs">
  (function () {
    var press = null;
    var ATTRIBUTE = 'data-gateway-dragging';
    document.addEventListener('pointerdown', function (event) {
      var tab = event.isPrimary && event.target instanceof Element ? event.target.closest('.graphiql-tab') : null;
      press = tab ? { x: event.clientX, y: event.clientY, strip: tab.parentElement, dragging: false } : null;
    }, true);
    document.addEventListener('pointermove', function (event) {
      if (!press || press.dragging || !press.strip || Math.hypot(event.clientX - press.x, event.clientY - press.y) < 3) return;
      press.dragging = true;
      press.strip.setAttribute(ATTRIBUTE, '');
    }, true);
    function release() {
      var strip = press && press.dragging ? press.strip : null;
      press = null;
      if (strip) setTimeout(function () { if (!press) strip.removeAttribute(ATTRIBUTE); }, 600);
    }
    document.addEventListener('pointerup', release, true);
    document.addEventListener('pointercancel', release, true);
  })();
</script>`;

const RENDER_CALL = 'YogaGraphiQL.renderYogaGraphiQL(';

/**
 * The GraphiQL page with the fix, or undefined when the page does not have the expected structure (another
 * render-graphiql version): the caller then serves it unchanged.
 */
export function fixGraphiQLTabs(html: string): string | undefined {
  const head = html.indexOf('</head>');
  // The first call after the head: GraphiQL's bundle never spells it, and the options (tab queries, which
  // could) come after it.
  const call = head < 0 ? -1 : html.indexOf(RENDER_CALL, head);
  const callEnd = call < 0 ? -1 : html.indexOf('</script>', call);
  if (callEnd < 0) return undefined;
  const render = html.slice(call, callEnd).trim();
  const deferred = `(function () {
          var fonts = window.document.fonts;
          var loaded = fonts ? Promise.all(${JSON.stringify(FONTS)}.map(function (font) { return fonts.load(font); })) : Promise.resolve();
          var timeout = new Promise(function (resolve) { setTimeout(resolve, ${FONT_WAIT_MS}); });
          Promise.race([loaded, timeout]).catch(function () {}).then(function () {
            ${render}
          });
        })();
      `;
  return html.slice(0, head) + STYLE + DRAG_MARKER + html.slice(head, call) + deferred + html.slice(callEnd);
}
