// The loader's side of the loader ↔ widget contract (docs/ARCHITECTURE.md), tested against a
// stand-in widget module served in place of /widget/widget.js: it records `init`, `start`
// options and every `command`. The real loader (dist/rapport.js) runs on the real collector.
import type { Page } from "@playwright/test";
import { test, expect } from "./fixtures";

const FAKE_WIDGET = `
const F = window.__fake;
export default async function init(arg) {
  F.inits.push(String(arg && arg.module_or_path));
  if (F.failInit) throw new WebAssembly.CompileError("WebAssembly.instantiate(): Refused to compile or instantiate WebAssembly module because 'unsafe-eval' is not an allowed source of script");
}
export function start(o) {
  F.starts.push({ site: o.site, endpoint: o.endpoint, nonce: o.nonce, exitIntent: o.exitIntent,
    navAt: o.navAt, config: JSON.parse(JSON.stringify(o.config)), inline: JSON.parse(JSON.stringify(o.inline)),
    emit: typeof o.emit });
  F.emit = o.emit;
  return { command(name, args) {
    F.commands.push([name, JSON.parse(JSON.stringify(args))]);
    if (name === "boom") throw new Error("boom");
  } };
}`;

type Fake = {
  inits: string[];
  starts: {
    site: string;
    endpoint: string;
    nonce: string;
    exitIntent: boolean;
    navAt: number;
    config: any;
    inline: any[];
    emit: string;
  }[];
  commands: [string, unknown[]][];
};

const survey = (id: string, trigger: object, targeting?: object) => ({
  id,
  trigger,
  ...(targeting ? { targeting } : {}),
  questions: [{ id: "q", type: "thumbs", text: "Was this helpful?" }],
});

/**
 * Serves the stand-in widget and, when given, a site config in place of the collector's.
 * `before` runs in the page before any of its scripts (e.g. to queue commands on the stub).
 */
async function setup(
  page: Page,
  opts: { remote?: object; before?: () => void; failInit?: boolean; widget404?: boolean } = {}
) {
  const requests: string[] = [];
  await page.addInitScript((failInit) => {
    (window as any).__fake = { inits: [], starts: [], commands: [], failInit };
  }, !!opts.failInit);
  if (opts.before) await page.addInitScript(opts.before);
  await page.route("**/widget/widget.js", (route) => {
    requests.push(route.request().url());
    return opts.widget404
      ? route.fulfill({ status: 404, body: "not found" })
      : route.fulfill({ contentType: "text/javascript", body: FAKE_WIDGET });
  });
  if (opts.remote)
    await page.route("**/v1/sites/e2e/config", (route) =>
      route.fulfill({ contentType: "application/json", body: JSON.stringify(opts.remote) })
    );
  return requests;
}

const fake = (page: Page) => page.evaluate(() => (window as any).__fake as Fake);
const loaded = (page: Page) => page.waitForFunction(() => (window as any).rapport?.l === 1);
const booted = (page: Page) => page.waitForFunction(() => (window as any).__fake.starts.length > 0);
const rapport = (page: Page, ...args: unknown[]) =>
  page.evaluate((a) => (window as any).rapport(...a), args);
const MANUAL = { site: "e2e", surveys: [survey("m", { type: "manual" })] };

/** The page's clock, ms. */
const pageNow = (page: Page) => page.evaluate(() => performance.now());

/** When the page began fetching the widget module, on its clock (`undefined`: never). */
const requestedAt = (page: Page) =>
  page.evaluate(
    () => performance.getEntriesByType("resource").find((e) => e.name.includes("/widget/widget.js"))?.startTime
  );

/**
 * The positive control of a negative check, instead of a fixed wait: `show` always loads the
 * widget, so after it the widget must have been requested — and not before the control
 * began. Whatever the page did before it (the negative part of the test) loaded nothing.
 */
async function onlyTheControlBoots(page: Page, control: () => Promise<unknown>) {
  const since = await pageNow(page);
  await control();
  await booted(page);
  expect(await requestedAt(page), "the widget was requested before the control").toBeGreaterThanOrEqual(since);
}

/** Resolves once the collector's config is in and the loader has acted on it. */
async function configApplied(page: Page, load: () => Promise<unknown>) {
  await Promise.all([page.waitForResponse("**/v1/sites/e2e/config"), load()]);
  // The loader applies the config in the response's promise callback: one task later it has.
  await page.evaluate(() => new Promise((r) => setTimeout(r, 0)));
}

/** Resolves after two rendered frames: the scroll events of an earlier wheel or `scrollTo`
 * have been dispatched by then. */
async function framesPassed(page: Page) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

test("queued commands replay in order after start; later ones go straight through", async ({ page }) => {
  await setup(page, {
    remote: MANUAL,
    before: () => {
      const w = window as any;
      w.rapport = function () {
        (w.rapport.q = w.rapport.q || []).push(arguments);
      };
      w.rapport("identify", "u-1", { plan: "pro" });
      w.rapport("track", "Signed Up", { n: 1 });
      w.rapport("show", "m");
      w.rapport("track", "After show", {});
    },
  });
  await page.goto("/test/plain.html");
  await booted(page);
  await rapport(page, "track", "Later", { x: 2 });
  const f = await fake(page);
  expect(f.commands).toEqual([
    ["identify", ["u-1", { plan: "pro" }]],
    ["track", ["Signed Up", { n: 1 }]],
    ["show", ["m"]],
    ["track", ["After show", {}]],
    ["track", ["Later", { x: 2 }]],
  ]);
  expect(f.inits).toEqual([new URL("/widget/widget_bg.wasm", page.url()).href]);
  expect(f.starts).toHaveLength(1);
  const s = f.starts[0];
  expect(s).toMatchObject({ site: "e2e", endpoint: new URL(page.url()).origin, exitIntent: false, navAt: 0, emit: "function" });
  expect(s.config).toEqual(MANUAL);
  expect(s.inline).toEqual([]);
});

test("on/off handlers live in the loader; a throwing handler does not stop the others", async ({ page }) => {
  await setup(page, { remote: MANUAL });
  await page.goto("/test/plain.html");
  await loaded(page);
  await page.evaluate(() => {
    const w = window as any;
    w.__got = [];
    w.__h = (d: any) => w.__got.push(["h", d]);
    w.rapport("on", "submit", () => {
      throw new Error("handler bug");
    });
    w.rapport("on", "submit", w.__h);
    w.rapport("on", "close", (d: any) => w.__got.push(["close", d]));
    w.rapport("show", "m");
  });
  await booted(page);
  const got = await page.evaluate(() => {
    const w = window as any;
    w.__fake.emit("submit", { survey: "m" });
    w.rapport("off", "submit", w.__h);
    w.__fake.emit("submit", { survey: "m2" });
    w.__fake.emit("close", { survey: "m", completed: true });
    w.__fake.emit("nobody-listens", {});
    return w.__got;
  });
  expect(got).toEqual([["h", { survey: "m" }], ["close", { survey: "m", completed: true }]]);
  // on/off never reach the widget.
  expect((await fake(page)).commands.map((c) => c[0])).toEqual(["show"]);
});

test("start() gets the collector's config as it came and the inline configs in order; they are not replayed", async ({
  page,
}) => {
  const remote = {
    site: "e2e",
    locale: "en",
    theme: { brand: "#111111", radius: "4px" },
    surveys: [survey("a", { type: "manual" }), survey("b", { type: "manual" })],
  };
  const settings = { theme: { brand: "#222222" }, locale: "es" };
  // Runs before `before` below (init scripts run in the order they were added).
  await page.addInitScript((r) => ((window as any).__settings = r), settings);
  await setup(page, {
    remote,
    before: () => {
      const w = window as any;
      w.rapport = function () {
        (w.rapport.q = w.rapport.q || []).push(arguments);
      };
      w.rapport("config", w.__settings);
      w.rapport("config", { cooldownDays: 3 });
      w.rapport("show", "b");
    },
  });
  await page.goto("/test/plain.html");
  await booted(page);
  const f = await fake(page);
  expect(f.starts[0].config).toEqual(remote);
  expect(f.starts[0].inline).toEqual([settings, { cooldownDays: 3 }]);
  // `config` went in through start(); it is not replayed as a command.
  expect(f.commands).toEqual([["show", ["b"]]]);
  // After boot, `config` is forwarded.
  await rapport(page, "config", { locale: "fr" });
  expect((await fake(page)).commands.at(-1)).toEqual(["config", [{ locale: "fr" }]]);
});

test("inline settings load nothing; an inline `surveys` loads the widget at once, for it to say they are not applied", async ({
  page,
}) => {
  const requests = await setup(page, { remote: MANUAL });
  await configApplied(page, () => page.goto("/test/plain.html"));
  const settings = { locale: "es", theme: { brand: "#222222" }, cooldownDays: 3 };
  await rapport(page, "config", settings);
  await rapport(page, "config", { surveys: null }); // `null` is absence, as in the widget
  await framesPassed(page);
  expect(requests).toEqual([]);
  // Surveys are defined in the collector's configuration: even its own `m`, restated, is
  // a mistake the widget must name (the control of the negative part above).
  const restated = { surveys: [survey("m", { type: "pageLoad" })] };
  await onlyTheControlBoots(page, () => rapport(page, "config", restated));
  expect(requests).toHaveLength(1);
  expect((await fake(page)).starts[0].inline).toEqual([settings, { surveys: null }, restated]);
});

test("nothing to show: the widget is never loaded", async ({ page }) => {
  const requests = await setup(page, {
    remote: {
      site: "e2e",
      surveys: [
        survey("m", { type: "manual" }),
        survey("elsewhere", { type: "pageLoad" }, { url: { match: "prefix", value: "/checkout" } }),
        survey("other-event", { type: "event", event: "Order Completed" }),
        survey("bad-regex", { type: "pageLoad" }, { url: { match: "regex", value: "([" } }),
        survey("glob-miss", { type: "pageLoad" }, { url: { match: "glob", value: "/test/p?ain.htm" } }),
      ],
    },
  });
  await configApplied(page, () => page.goto("/test/plain.html"));
  await rapport(page, "identify", "u-1");
  await rapport(page, "track", "Some Other Event", {});
  await page.mouse.wheel(0, 400);
  await framesPassed(page);
  expect(requests).toEqual([]);
  await onlyTheControlBoots(page, () => rapport(page, "show", "m"));
  expect(requests).toHaveLength(1);
});

for (const [name, targeting] of [
  ["no targeting", undefined],
  ["exact", { url: { match: "exact", value: "/test/plain.html?x=1" } }],
  ["prefix", { url: { match: "prefix", value: "/test/pl" } }],
  ["contains", { url: { match: "contains", value: "127.0.0.1" } }],
  ["glob", { url: { match: "glob", value: "/test/p?ain.*" } }],
  ["regex", { url: { match: "regex", value: "^/test/(plain|other)\\.html\\?x=\\d$" } }],
] as const) {
  test(`pageLoad survey with URL targeting (${name}) boots the widget`, async ({ page }) => {
    const requests = await setup(page, {
      remote: { site: "e2e", surveys: [survey("pl", { type: "pageLoad" }, targeting)] },
    });
    await page.goto("/test/plain.html?x=1");
    await booted(page);
    expect(requests).toHaveLength(1);
  });
}

test("muted surveys do not load the widget; expired mutes do", async ({ page }) => {
  await setup(page, { remote: { site: "e2e", surveys: [survey("pl", { type: "pageLoad" })] } });
  const mute = (m: object) => page.evaluate((m) => localStorage.setItem("rapport:e2e:mute", m), JSON.stringify(m));
  await page.goto("/test/plain.html");
  await booted(page); // not muted yet
  for (const muted of [{ pl: Date.now() + 60_000 }, { "*": Date.now() + 60_000 }]) {
    // This survey muted, then the global cooldown: the page load boots nothing; `show` does.
    await mute(muted);
    await configApplied(page, () => page.reload());
    await onlyTheControlBoots(page, () => rapport(page, "show", "pl"));
  }
  await mute({ pl: Date.now() - 1, "*": Date.now() - 1 }); // both expired
  await page.reload();
  await booted(page);
  expect((await fake(page)).commands).toEqual([]);
});

test("an undelivered response in the outbox boots the widget", async ({ page }) => {
  const requests = await setup(page, { remote: MANUAL });
  await page.addInitScript(() =>
    localStorage.setItem("rapport:e2e:outbox", JSON.stringify([{ response: { id: "0b6f-pending" }, attempts: 1 }]))
  );
  await page.goto("/test/plain.html");
  await booted(page);
  expect(requests).toHaveLength(1);
});

test("storage that throws does not break the loader", async ({ page }) => {
  await setup(page, {
    remote: { site: "e2e", surveys: [survey("m", { type: "manual" }), survey("d", { type: "delay", seconds: 0 })] },
    before: () => {
      Object.defineProperty(window, "localStorage", {
        get() {
          throw new DOMException("The operation is insecure.", "SecurityError");
        },
      });
    },
  });
  await page.goto("/test/plain.html");
  await booted(page);
});

test("a delay survey boots after its delay; navigation first cancels it", async ({ page }) => {
  const remote = {
    site: "e2e",
    surveys: [survey("d", { type: "delay", seconds: 3 }, { url: { match: "exact", value: "/test/plain.html" } })],
  };
  const requests = await setup(page, { remote });
  await configApplied(page, () => page.goto("/test/plain.html"));
  const loadedAt = await pageNow(page);
  await page.evaluate(() => history.pushState({}, "", "/test/plain.html#elsewhere"));
  await page.evaluate(() => history.pushState({}, "", "/test/elsewhere"));
  // A second on the page's clock, then back: the first delay, had it not been cancelled,
  // would load the widget a second before the new one can.
  await page.waitForFunction((t) => performance.now() > t + 1_000, loadedAt);
  // Coming back re-arms the delay from the navigation time, which start() receives.
  const t0 = await page.evaluate(() => {
    history.back(); // popstate → /test/plain.html#elsewhere (path+query match)
    return performance.now();
  });
  await booted(page);
  const s = (await fake(page)).starts[0];
  expect(s.navAt).toBeGreaterThan(t0 - 50);
  const bootedAt = await page.evaluate(() => performance.now());
  expect(bootedAt - s.navAt).toBeGreaterThanOrEqual(2950);
  // Requested by the new delay: the cancelled one would have been a second earlier.
  expect((await requestedAt(page))! - s.navAt).toBeGreaterThanOrEqual(2950);
  expect(requests).toHaveLength(1);
});

test("exit intent boots the widget with exitIntent: true", async ({ page }) => {
  await setup(page, { remote: { site: "e2e", surveys: [survey("x", { type: "exitIntent" })] } });
  await page.goto("/test/plain.html");
  await loaded(page);
  await page.evaluate(() => {
    // The pointer leaves through the top edge of the window.
    document.dispatchEvent(new MouseEvent("mouseout", { clientX: 200, clientY: -1, relatedTarget: null, bubbles: true }));
  });
  await booted(page);
  expect((await fake(page)).starts[0].exitIntent).toBe(true);
});

test("scroll depth boots the widget past its percent", async ({ page }) => {
  const requests = await setup(page, { remote: { site: "e2e", surveys: [survey("s", { type: "scroll", percent: 60 })] } });
  // The page is made tall as soon as its <body> exists (not at DOMContentLoaded, which a
  // loaded machine may reach after the loader has measured the page).
  await page.addInitScript(() => {
    const observer = new MutationObserver(() => {
      if (!document.body) return;
      observer.disconnect();
      const tall = document.createElement("section");
      tall.style.height = "4000px";
      document.body.append(tall);
    });
    observer.observe(document, { childList: true, subtree: true });
  });
  await page.goto("/test/plain.html");
  await loaded(page);
  await page.evaluate(() => scrollTo(0, 800));
  await framesPassed(page);
  expect(requests).toEqual([]);
  // Scrolling past 60 % boots it: the 800 px scroll before did not.
  await onlyTheControlBoots(page, () => page.evaluate(() => scrollTo(0, 3500)));
});

test("a tracked event boots the widget only if a survey waits for it", async ({ page }) => {
  const requests = await setup(page, {
    remote: { site: "e2e", surveys: [survey("e", { type: "event", event: "Order Completed" })] },
  });
  await page.goto("/test/plain.html");
  await loaded(page);
  await rapport(page, "track", "Order Started", {});
  expect(requests).toEqual([]);
  // The awaited event boots it: the one before did not.
  await onlyTheControlBoots(page, () => rapport(page, "track", "Order Completed", { total: 5 }));
  expect((await fake(page)).commands).toEqual([
    ["track", ["Order Started", {}]],
    ["track", ["Order Completed", { total: 5 }]],
  ]);
});

test("history changes after boot become page commands", async ({ page }) => {
  await setup(page, { remote: MANUAL });
  await page.goto("/test/plain.html");
  await loaded(page);
  await rapport(page, "show", "m");
  await booted(page);
  await page.evaluate(() => {
    history.pushState({}, "", "/test/plain.html?step=2");
    history.replaceState({ same: "url" }, ""); // no URL change: not a navigation
    history.replaceState({}, "", "/test/plain.html?step=3");
  });
  await rapport(page, "page");
  expect((await fake(page)).commands).toEqual([["show", ["m"]], ["page", []], ["page", []], ["page", []]]);
});

test("a widget that throws is marked dead: one warning, later calls are no-ops", async ({ page, consoleLog }) => {
  await setup(page, { remote: MANUAL });
  await page.goto("/test/plain.html");
  await loaded(page);
  await rapport(page, "show", "m");
  await booted(page);
  await rapport(page, "boom");
  await rapport(page, "track", "After", {});
  await rapport(page, "show", "m");
  expect((await fake(page)).commands.map((c) => c[0])).toEqual(["show", "boom"]);
  expect(consoleLog.filter((m) => m.text.startsWith("rapport:"))).toHaveLength(1);
  expect(consoleLog.filter((m) => m.text.startsWith("rapport:"))[0].type).toBe("warning");
});

test("WebAssembly blocked at init: one warning, nothing thrown", async ({ page, consoleLog }) => {
  await setup(page, { remote: MANUAL, failInit: true });
  await page.goto("/test/plain.html");
  await loaded(page);
  await rapport(page, "show", "m");
  await expect.poll(() => consoleLog.filter((m) => m.text.startsWith("rapport:")).length).toBe(1);
  await rapport(page, "show", "m");
  await rapport(page, "track", "x");
  await framesPassed(page);
  const ours = consoleLog.filter((m) => m.text.startsWith("rapport:"));
  expect(ours).toEqual([{ type: "warning", text: expect.stringMatching(/WebAssembly/) }]);
  expect((await fake(page)).starts).toEqual([]);
});

test("a missing widget file: one warning, the page is unaffected", async ({ page, consoleLog, allowConsoleErrors }) => {
  allowConsoleErrors.push(/Failed to load resource.*404/);
  await setup(page, { remote: MANUAL, widget404: true });
  await page.goto("/test/plain.html");
  await loaded(page);
  await rapport(page, "show", "m");
  await expect.poll(() => consoleLog.filter((m) => m.text.startsWith("rapport:")).length).toBe(1);
  await rapport(page, "show", "m");
  expect(consoleLog.filter((m) => m.text.startsWith("rapport:"))[0].type).toBe("warning");
});

test("loader included twice: one start, one warning", async ({ page, consoleLog }) => {
  const requests = await setup(page, { remote: MANUAL });
  await page.goto("/test/double.html?show=m");
  await booted(page);
  await framesPassed(page);
  expect(requests).toHaveLength(1);
  expect((await fake(page)).starts).toHaveLength(1);
  expect((await fake(page)).commands).toEqual([["show", ["m"]]]);
  const ours = consoleLog.filter((m) => m.text.startsWith("rapport:"));
  expect(ours).toHaveLength(1);
  expect(ours[0].type).toBe("warning");
});

test("the collector's config being unavailable: start() gets none, and an inline `surveys` loads the widget to be refused", async ({
  page,
  allowConsoleErrors,
}) => {
  allowConsoleErrors.push(/Failed to load resource.*50\d/);
  const inline = { surveys: [{ id: "inline", trigger: { type: "manual" }, questions: [{ id: "q", type: "thumbs", text: "Was this helpful?" }] }] };
  await page.addInitScript((c) => ((window as any).__inline = c), inline);
  await setup(page, {
    before: () => {
      const w = window as any;
      w.rapport = function () {
        (w.rapport.q = w.rapport.q || []).push(arguments);
      };
      w.rapport("config", w.__inline);
    },
  });
  await page.route("**/v1/sites/e2e/config", (r) => r.fulfill({ status: 503, body: "down" }));
  await page.goto("/test/plain.html");
  await booted(page);
  const s = (await fake(page)).starts[0];
  expect(s.config).toBeNull();
  expect(s.inline).toEqual([inline]);
});

/** plain.html with the loader watching one 2-second delay survey targeted at it. */
async function delaySurveyPage(page: Page) {
  const remote = {
    site: "e2e",
    surveys: [survey("d", { type: "delay", seconds: 2 }, { url: { match: "exact", value: "/test/plain.html" } })],
  };
  await setup(page, { remote });
  await page.goto("/test/plain.html");
  await loaded(page);
}

test("following an in-page #anchor is not a navigation: a pending delay survey still shows", async ({ page }) => {
  await delaySurveyPage(page);
  // Setting the fragment fires `popstate` (and `hashchange`) like an anchor link does.
  await page.evaluate(() => {
    location.hash = "reviews";
  });
  await booted(page);
  // navAt stays at the page load: the delay was never restarted.
  expect((await fake(page)).starts[0].navAt).toBe(0);
});

test("inline config of the wrong shape reaches the widget as given, for its validation to name", async ({ page }) => {
  await setup(page, {
    remote: { site: "e2e", surveys: [survey("a", { type: "manual" })] },
    before: () => {
      const w = window as any;
      w.rapport = function () {
        (w.rapport.q = w.rapport.q || []).push(arguments);
      };
      w.rapport("config", { theme: "dark", surveys: [null] });
      w.rapport("config", 7);
      w.rapport("config", { locale: "es" });
      w.rapport("show", "a");
    },
  });
  await page.goto("/test/plain.html");
  await booted(page);
  // Kept as given: the widget names `surveys` and `theme`, and refuses the number.
  expect((await fake(page)).starts[0].inline).toEqual([{ theme: "dark", surveys: [null] }, 7, { locale: "es" }]);
  expect((await fake(page)).commands).toEqual([["show", ["a"]]]);
});

test("inline `surveys` never change what the loader watches: only the collector's triggers load the widget", async ({
  page,
}) => {
  const requests = await setup(page, {
    remote: { site: "e2e", surveys: [survey("e", { type: "event", event: "Order Completed" })] },
    before: () => {
      const w = window as any;
      w.rapport = function () {
        (w.rapport.q = w.rapport.q || []).push(arguments);
      };
      // `null`: no `surveys` (nothing for the widget to name, no reason to load it).
      w.rapport("config", { surveys: null, locale: "es" });
    },
  });
  await configApplied(page, () => page.goto("/test/plain.html"));
  await rapport(page, "track", "Some Other Event");
  await framesPassed(page);
  expect(requests).toEqual([]);
  // The collector's event survey still loads it: the loader went on working.
  await onlyTheControlBoots(page, () => rapport(page, "track", "Order Completed"));
  expect(requests).toHaveLength(1);
  expect((await fake(page)).starts[0].inline).toEqual([{ surveys: null, locale: "es" }]);
});

test("a hash route (#/cart) is a navigation: a pending delay restarts", async ({ page }) => {
  await delaySurveyPage(page);
  const t0 = await page.evaluate(() => {
    location.hash = "/cart"; // a hash route: the delay restarts from here
    return performance.now();
  });
  await booted(page);
  expect((await fake(page)).starts[0].navAt).toBeGreaterThan(t0 - 50);
});
