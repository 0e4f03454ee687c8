/* Rapport launcher: the always-available buttons of a site that enables them in its
 * configuration (`launcher`, checked by the collector): a feedback button that opens the
 * launcher's survey, and a Rewards button that opens the loyalty panel. Hand-written ES
 * module, minified by terser into dist/launcher.js; the loader imports it only when the
 * collector's site configuration has a `launcher`, so other pages pay nothing. The widget
 * and the panel are fetched on the click, not before.
 *
 * Contract: `default(config, nonce)`, called once by the loader with its site configuration
 * (the collector's, with inline `config` calls merged over it: theme and locale) and the
 * nonce of its <script>. Clicks go through the page's `rapport` function, as the page's own
 * calls do: the feedback button runs `show(survey, {shopper: true})` (the shopper asked: the
 * survey opens modal and takes focus, and gives it back on close), the Rewards button
 * `loyalty(rewards)` (its `join` and `signIn` links, for an anonymous shopper). A survey or
 * the panel, on top (same z-index, later in the document), covers the buttons while open.
 *
 * The setting (README, "Configuration"; server/src/launcher.rs checks it):
 *   survey    the survey the feedback button opens (none: no feedback button)
 *   label     a string, or a {locale: string} map with an `en` entry (default "Feedback")
 *   icon      "chat" (default) | "gift" | "none"
 *   position  "bottom-right" (default) | "bottom-left", both buttons
 *   rewards   true or {label, icon ("gift" by default), join, signIn}: the Rewards button
 *
 * A <rapport-launcher> element with its own open shadow root: `all: initial` with important
 * `:host` declarations, which win over the page's own important rules, so the page's CSS
 * cannot hide or restyle it; its rules in a <style> carrying the loader's nonce (a strict
 * CSP's style-src), the brand colour set through the CSSOM. Real <button>s: keyboard
 * operable, the label their accessible name (the icon is a CSS pseudo-element with no
 * text, never announced), `dir=auto` for a right-to-left label, at least 44 px high and wide.
 * Budget: loader + launcher ≤ 2,560 B gzip -9 (`cargo xtask size`); docs/SIZES.md lists
 * what each part costs.
 */

// A white pill with dark text and a border in the brand colour (set on each button through
// the CSSOM, which drops a value that is no colour; the text colour without one), on the
// page's bottom edge; the browser's own focus ring. The icon set, 20×20 paths clipping a
// square of the text colour: a speech bubble (`chat`) and a gift.
const CSS =
  ":host{all:initial!important}" +
  "div{position:fixed;z-index:2147483647;bottom:16px;right:16px;display:flex;gap:8px}" +
  ".bottom-left{left:16px;right:auto}" +
  "button{display:flex;align-items:center;gap:8px;min-height:44px;padding:0 16px;border:2px solid;" +
  "border-radius:22px;background:#fff;color:#111827;font:600 15px system-ui}" +
  ".chat:before,.gift:before{content:'';width:20px;height:20px;background:currentColor;" +
  "clip-path:path('M3 3h14v10H8l-5 4z')}" +
  ".gift:before{clip-path:path('M2 6h7v3H2zm9 0h7v3h-7zM3 10h6v8H3zm8 0h6v8h-6zM10 6C8 1 4 3 8 6m2 0c2-5 6-3 2 0')}";

export default (c, nonce) => {
  const D = document;
  const o = c.launcher;
  const r = o.rewards;
  const host = D.createElement("rapport-launcher");
  // Focus given back to the host (the widget and the panel restore it on close) goes on to
  // the button that opened them: the one marked `autofocus` on its click.
  const root = host.attachShadow({ mode: "open", delegatesFocus: !0 });
  const style = D.createElement("style");
  const box = D.createElement("div");
  // The page's language: the site's, else the page's, else the browser's.
  const lang = (c.locale != "auto" && c.locale) || D.documentElement.lang || navigator.language;
  // A button that runs `rapport(...command)` on click.
  const button = (label, icon, ...command) => {
    const b = D.createElement("button");
    b.className = icon;
    b.style.borderColor = c.theme?.brand;
    b.dir = "auto";
    // A label map (the collector requires its `en`): the page's language exactly, then its
    // base language, then English.
    b.append(label.en ? label[lang] || label[lang.split("-")[0]] || label.en : label);
    b.onclick = () => {
      for (const x of box.children) x.autofocus = x == b;
      rapport(...command);
    };
    box.append(b);
  };
  style.nonce = nonce;
  style.textContent = CSS;
  box.className = o.position;
  o.survey && button(o.label || "Feedback", o.icon || "chat", "show", o.survey, { shopper: !0 });
  r && button(r.label || "Rewards", r.icon || "gift", "loyalty", r);
  root.append(style, box);
  D.body.append(host);
};
