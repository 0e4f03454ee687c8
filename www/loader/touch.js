/* Rapport touch chunk: exit intent's stand-ins on touch screens, where no pointer ever leaves
 * the page through its top edge. Hand-written ES module, minified by terser into
 * dist/touch.js; the loader imports it only on touch screens (`(pointer: coarse)`) when a
 * survey's exit-intent trigger names a `mobile` stand-in, so other pages pay nothing.
 *
 * Contract: `default(live)`, the loader's `live(type)`: the surveys with that trigger type
 * that could show on this page now (targeting, mute). When the stand-in one of the
 * exit-intent surveys names happens, the chunk fires the page's exit intent the way a
 * desktop pointer does: a `mouseout` on the document with no related target and `clientY` 0,
 * which the loader (before the widget loads: it boots the widget with `exitIntent`) and the
 * widget (after) both listen for. The widget needs no code of its own for it; the one signal
 * means that every exit-intent survey that could show here may then show, as on a desktop.
 *   scrollUp  a fast scroll up: half the viewport or more within 500 ms (the shopper heading
 *             for the address bar)
 *   hidden    a return to the page after it was hidden (another tab or app: a survey cannot
 *             be seen while the page is hidden)
 * Listeners never throw into the page.
 */
export default (live) => {
  const D = document;
  const fire = (m) => {
    try {
      live("exitIntent").some((s) => s.trigger.mobile == m) && D.dispatchEvent(new MouseEvent("mouseout"));
    } catch (e) {}
  };
  // The last scroll position, and where and when the current upward run started (y0 null:
  // none). A run starts at the position before its first upward step, and starts again
  // after 500 ms: a slow scroll up is reading, not leaving.
  let p = scrollY,
    y0,
    t0,
    away;
  addEventListener(
    "scroll",
    () => {
      const y = scrollY;
      const t = performance.now();
      if (y >= p) y0 = null;
      else {
        if (y0 == null || t - t0 > 500) (y0 = p), (t0 = t);
        if (y0 - y >= innerHeight / 2) fire("scrollUp"), (y0 = null);
      }
      p = y;
    },
    { passive: true }
  );
  D.addEventListener("visibilitychange", () => (D.hidden ? (away = 1) : away && fire("hidden")));
};
