/* Rapport loader. Hand-written, no dependencies; minified by terser into dist/rapport.js.
 *
 * Contract: docs/ARCHITECTURE.md, "Loader <-> widget contract". In short: read our own
 * <script> tag, replay the `rapport.q` command queue, fetch the site config, and watch only
 * cheap signals (page load, delay, scroll depth, exit intent, tracked events, `show`, URL
 * targeting, a pending outbox) to decide whether the wasm widget is worth loading at all.
 * The widget re-checks everything itself: the checks here only avoid loading it needlessly.
 * Surveys are defined only in the collector's config, so only its surveys are watched; an
 * inline config sets locale, theme and cooldown, and one that gives `surveys` loads the
 * widget at once, which says (one console error) that they are not applied.
 *
 * Rules: ES2020 (the floor anyway: dynamic import()), classic script, no eval / new Function, never throws into the page.
 * Budget: 2 KB gzip -9 after terser (`cargo xtask size`).
 */
((W, D, L) => {
  const warn = (m) => {
    try {
      console.warn("rapport: " + m);
    } catch (e) {}
  };
  // Wrap a function so nothing it throws reaches the page.
  const guard = (f) => (...a) => {
    try {
      return f(...a);
    } catch (e) {}
  };
  try {
    const stub = W.rapport;
    // 1. Double-include guard: the first copy marks its `rapport` function.
    if (stub?.l) return warn("loaded twice");

    // 2. Our own <script> tag.
    const S = D.currentScript;
    const data = S.dataset; // data-site, data-endpoint, data-config-url
    const src = S.src;
    const at = (p) => new URL(p, src);
    // A chunk's words in a language other than English: `locales(tag)` fetches one small
    // file next to the chunk (`widget/locales/es.json`), only when the page wants it.
    const locales = (chunk) => (t) => fetch(at(chunk + "/locales/" + t + ".json")).then((r) => r.json());
    const site = data.site;
    const endpoint = data.endpoint || at("/").origin; // no trailing slash
    const key = "rapport:" + site + ":";
    const early = stub?.q || []; // calls made before the config is in
    const queue = []; // commands waiting for the widget, in call order
    const handlers = {}; // on/off handlers live here, never in wasm
    const config = { site }; // the collector's config with inline ones merged over it
    const inline = []; // `config` arguments given before boot, for start({inline})
    let remote = null; // the collector's config as it came (null: none could be read)
    const store = guard((k) => localStorage.getItem(key + k)); // storage may throw
    let timers = [];
    let widget, booting, dead, armed, ready, token; // token: the last identify({token})
    let navAt = 0; // performance.now() of the last navigation
    // The address that tells a navigation: without its fragment unless that is route-like
    // (`#/cart`, `#!/cart`: hash routing). Following an in-page `#anchor`, which fires
    // `popstate` too, is not a navigation.
    const route = () => L.href.replace(/#(?!!?\/).*/, "");
    let href = route();

    // Merge a partial site config: theme merged, the rest replaced.
    const merge = guard((part) => {
      for (const k in part) config[k] = k == "theme" ? { ...config.theme, ...part[k] } : part[k];
    });

    // URL targeting: exact/prefix/glob/regex on path+query, contains on the full URL.
    const targeted = guard((t) => {
      const u = t?.url;
      if (!u) return 1;
      const pq = L.pathname + L.search;
      let v = u.value;
      const m = u.match;
      if (m == "exact") return pq == v;
      if (m == "prefix") return pq.startsWith(v);
      if (m == "contains") return L.href.includes(v);
      if (m == "glob")
        v = "^" + v.replace(/[^\w*?]/g, "\\$&").replace(/\*+/g, ".*").replace(/\?/g, ".") + "$";
      return new RegExp(v).test(pq); // an invalid pattern throws: never matches
    });

    // Surveys with this trigger type that could show on this URL and are not muted.
    const live = (type) => {
      const mute = guard(JSON.parse)(store("mute")) || {};
      const t = Date.now();
      return mute["*"] > t
        ? []
        : [].concat(remote?.surveys || []).filter(
            (s) => s?.trigger?.type == type && !(mute[s.id] > t) && targeted(s.targeting)
          );
    };

    const scrolled = () => {
      const pct = ((scrollY + innerHeight) * 100) / D.documentElement.scrollHeight;
      live("scroll").some((s) => pct >= s.trigger.percent) && boot();
    };

    // 4. (Re)arm the cheap watchers for the current URL and config.
    const arm = guard(() => {
      if (!ready || booting) return;
      timers.map(clearTimeout); // a navigation cancels pending delays
      timers = [];
      if (live("pageLoad")[0] || /"id"/.test(store("outbox"))) return boot();
      for (const s of live("delay"))
        timers.push(setTimeout(boot, s.trigger.seconds * 1e3 - performance.now() + navAt));
      if (!armed) {
        armed = 1;
        addEventListener("scroll", guard(scrolled), { passive: true });
        D.addEventListener(
          "mouseout",
          guard((e) => e.relatedTarget || e.clientY > 0 || (live("exitIntent")[0] && boot(1)))
        );
      }
      scrolled();
    });

    const call = (name, args) => {
      if (!dead)
        try {
          widget.command(name, args);
        } catch (e) {
          dead = 1; // a throw from wasm: the widget is unusable, later calls are no-ops
          warn(e);
        }
    };

    // 6. Widget events → handlers registered with `on`, each isolated.
    const emit = (name, detail) => handlers[name]?.map((f) => guard(f)(detail));

    // 5. Load the widget once, start it, replay the queue in order.
    const boot = (exitIntent) => {
      if (booting || !ready) return;
      booting = 1; // pending delay timers now find booting set
      import(at("widget/widget.js"))
        .then(async (mod) => {
          await mod.default({ module_or_path: at("widget/widget_bg.wasm") });
          widget = mod.start({
            site,
            endpoint,
            nonce: S.nonce,
            config: remote,
            inline,
            emit,
            exitIntent: !!exitIntent,
            navAt,
            locales: locales("widget"),
          });
          while (queue[0]) call(...queue.shift());
        })
        .catch((e) => {
          dead = 1;
          // Under a CSP without 'wasm-unsafe-eval' the instantiate call throws: say so once.
          warn(/WebAssembly/.test(e) ? "CSP blocks WebAssembly" : e);
        });
    };

    // Navigation (history API or `page()`): before boot re-arm, after it tell the widget.
    const nav = guard((manual) => {
      if (!manual && route() == href) return;
      href = route();
      if (widget) return call("page", []);
      navAt = performance.now();
      arm();
    });

    // The loyalty panel: its own chunk, fetched only when the shopper opens it, with the
    // customer token of the last `identify({token})` and the site's theme and locale.
    const loyalty = (o) =>
      import(at("loyalty/panel.js"))
        .then(async (m) => {
          await m.default({ module_or_path: at("loyalty/panel_bg.wasm") });
          m.open({
            site,
            endpoint,
            token,
            nonce: S.nonce,
            theme: config.theme,
            locale: config.locale,
            locales: locales("loyalty"),
            ...o,
          });
        })
        .catch(warn);

    const command = guard((name, ...rest) => {
      const [a, fn] = rest;
      // The follow-up card: only for an identified shopper on a site that turned it on.
      if (name == "identify" && a?.token) (token = a.token), remote?.followups && chunk("followup", config, S.nonce, endpoint, token);
      if (name == "loyalty") return loyalty(a);
      if (name == "on") return (handlers[a] = handlers[a] || []).push(fn);
      if (name == "off") return (handlers[a] = (handlers[a] || []).filter((f) => f != fn));
      if (widget) return call(name, rest);
      if (name == "page") return nav(1);
      // Before boot, `config` goes into start({inline}); it is not replayed. One giving
      // `surveys` loads the widget, which says that they are defined in the collector.
      if (name == "config") return inline.push(a), merge(a), a?.surveys != null && boot();
      queue.push([name, rest]);
      if (name == "show" || (name == "track" && live("event").some((s) => s.trigger.event == a))) boot();
    });

    const rapport = (W.rapport = function () {
      ready ? command(...arguments) : early.push(arguments);
    });
    rapport.l = 1;

    for (const m of ["pushState", "replaceState"]) {
      const orig = history[m];
      history[m] = function () {
        try {
          return orig.apply(this, arguments);
        } finally {
          nav();
        }
      };
    }
    addEventListener("popstate", () => nav());

    // A chunk beside the loader, for what only some pages need: its default export, called.
    const chunk = (name, ...a) => import(at(name + ".js")).then((m) => m.default(...a)).catch(warn);

    // 3. Site config: the collector's first, then the queued `config` commands over it.
    const start = (c) => {
      remote = c || null; // a 404 (unknown site): no survey can be shown
      merge(remote);
      ready = 1;
      for (const a of early) rapport(...a);
      arm();
      // The launcher's buttons, on sites whose collector config enables them.
      remote?.launcher && chunk("launcher", config, S.nonce);
      // Exit intent's stand-ins on touch screens (no pointer ever leaves the page there),
      // when a survey names one: the chunk fires this page's exit intent (see touch.js).
      matchMedia("(pointer:coarse)").matches && [].concat(remote?.surveys || []).some((s) => s?.trigger?.mobile) && chunk("touch", live);
    };
    fetch(data.configUrl || endpoint + "/v1/sites/" + site + "/config")
      .then((r) => r.ok && r.json())
      .then(start, (e) => {
        warn(e);
        start();
      });
  } catch (e) {
    warn(e);
  }
})(window, document, location);
