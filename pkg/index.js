// Rapport for bundler users: `import { createRapport } from "rapport-sdk"`.
//
// The widget module (JS glue + wasm) is imported lazily, the first time it is needed, so
// bundlers split it into its own chunk. Like the script-tag loader, this entry fetches the
// collector's site config (`GET {endpoint}/v1/sites/{site}/config`, the source of truth for
// which surveys exist) and hands it to the widget with the inline `config` objects given
// so far; the widget then evaluates triggers, targeting and throttling itself.
//
// Outside a browser (server-side rendering) `createRapport` returns a function that does
// nothing: no fetch, no import, no console output.

const inBrowser = () => typeof window !== "undefined" && typeof document !== "undefined";

/** A command function that does nothing (server-side rendering, bad options). */
const inert = () => {};

/**
 * Creates a Rapport instance. Returns the `rapport(command, ...args)` function.
 * Nothing here throws into the host page: failures are logged once and the widget stays dormant.
 */
export function createRapport(options) {
  if (!inBrowser()) return inert;
  const { site, endpoint, config = null, configUrl, nonce, eager = true } = options || {};
  if (typeof site !== "string" || !site || typeof endpoint !== "string" || !endpoint) {
    console.warn("[rapport] createRapport needs { site, endpoint } (strings)");
    return inert;
  }
  const base = endpoint.replace(/\/+$/, "");
  const queue = []; // commands waiting for the widget, in call order
  const inline = config ? [config] : []; // `config` objects given before start
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

  // The collector's config; `null` when it cannot be read (the widget then shows nothing).
  const siteConfig = () =>
    fetch(configUrl || `${base}/v1/sites/${encodeURIComponent(site)}/config`)
      .then((r) => (r.ok ? r.json() : null))
      .catch((e) => {
        console.warn("[rapport] could not read the site config:", e);
        return null;
      });

  const boot = () => {
    if (loading || dead) return loading;
    const collector = siteConfig();
    loading = import("./widget/widget.js")
      .then(async (mod) => {
        // The glue has no default wasm URL (built with --omit-default-module-path): this
        // `new URL(..., import.meta.url)` is what bundlers recognise as an asset reference.
        await mod.default({ module_or_path: new URL("./widget/widget_bg.wasm", import.meta.url) });
        // The widget's words in a language other than English come from one small file
        // next to the wasm, fetched only when the page wants that language.
        const locales = (tag) =>
          fetch(new URL(`./widget/locales/${tag}.json`, import.meta.url)).then((r) => r.json());
        widget = mod.start({ site, endpoint: base, nonce, config: await collector, inline, emit, locales });
        for (const [name, args] of queue.splice(0)) send(name, args);
      })
      .catch((e) => { dead = true; console.warn("[rapport] could not start the widget:", e); });
    return loading;
  };

  function rapport(name, ...args) {
    if (name === "on") { (handlers[args[0]] ||= []).push(args[1]); return; }
    if (name === "off") { handlers[args[0]] = (handlers[args[0]] || []).filter((f) => f !== args[1]); return; }
    if (widget) return send(name, args);
    // Before start, `config` goes in with start({inline}), as behind the loader.
    if (name === "config") inline.push(args[0]);
    else queue.push([name, args]);
    boot();
  }

  if (eager) boot();
  return rapport;
}
