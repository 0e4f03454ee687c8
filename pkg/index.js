// Rapport for bundler users: `import { createRapport } from "rapport"`.
//
// The widget module (JS glue + wasm) is imported lazily, the first time it is needed, so
// bundlers split it into its own chunk. It then evaluates triggers, targeting and
// throttling itself, exactly as it does behind the script-tag loader.

const noop = () => {};

/**
 * Creates a Rapport instance. Returns the `rapport(command, ...args)` function.
 * Nothing here throws into the host page: failures are logged once and the widget stays dormant.
 */
export function createRapport(options) {
  const { site, endpoint, config = null, nonce, eager = true } = options || {};
  const queue = [];
  const handlers = {};
  let widget = null;
  let loading = null;
  let dead = false;

  const emit = (name, detail) => {
    for (const fn of handlers[name] || []) {
      try { fn(detail); } catch (e) { console.warn("[rapport] handler for", name, "threw", e); }
    }
  };

  const send = (name, args) => {
    if (dead) return;
    try { widget.command(name, args); } catch (e) { dead = true; console.warn("[rapport] widget stopped:", e); }
  };

  const boot = () => {
    if (loading || dead) return loading;
    loading = import("./widget/widget.js")
      .then(async (mod) => {
        // The glue has no default wasm URL (built with --omit-default-module-path): this
        // `new URL(..., import.meta.url)` is what bundlers recognise as an asset reference.
        await mod.default({ module_or_path: new URL("./widget/widget_bg.wasm", import.meta.url) });
        widget = mod.start({ site, endpoint, nonce, config, emit });
        for (const [name, args] of queue.splice(0)) send(name, args);
      })
      .catch((e) => { dead = true; console.warn("[rapport] could not start the widget:", e); });
    return loading;
  };

  function rapport(name, ...args) {
    if (name === "on") { (handlers[args[0]] ||= []).push(args[1]); return; }
    if (name === "off") { handlers[args[0]] = (handlers[args[0]] || []).filter((f) => f !== args[1]); return; }
    if (widget) send(name, args);
    else { queue.push([name, args]); boot(); }
  }

  if (!site || !endpoint) {
    console.warn("[rapport] createRapport needs { site, endpoint }");
    dead = true;
    return noop;
  }
  if (eager) boot();
  return rapport;
}
