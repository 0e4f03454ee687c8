/* Rapport follow-up card: the merchant's reply to what an identified shopper told them
 * ("You told us …; here is what we did"), with helpful yes/no. Hand-written ES module,
 * minified by terser into dist/followup.js; the loader imports it only after
 * `identify({token})` on a site whose collector config says `followups: true`, so an
 * anonymous visitor pays no byte and no request for it.
 *
 * Contract: `default(config, nonce, endpoint, token)`, called by the loader with its site
 * configuration (theme, locale), the nonce of its <script>, the collector's origin and the
 * customer token. It asks the collector for the customer's follow-ups
 * (`GET /v1/sites/{site}/followups?locale=`: the words come with them, in the shopper's
 * locale, so this file carries none), shows the newest, marks it seen
 * (`POST …/followups/{id}/seen`) and sends the shopper's vote (`POST …/helpful`).
 *
 * A <rapport-followup> element with its own open shadow root (`all: initial` on the host, so
 * the page's CSS cannot restyle it), its rules in a <style> with the loader's nonce: a
 * labelled region (not modal: it takes no focus) announced politely once, text set only
 * through text nodes, real <button>s at least 44 px, Escape or the close button dismiss
 * it, `dir` from the locale, at most the screen's width less 32 px (375 px phones), and
 * dark colours when the shopper's system prefers them.
 * Budget: `cargo xtask size` (dist/followup.js).
 */

const CSS =
  ":host{all:initial!important}" +
  "section{position:fixed;z-index:2147483647;bottom:72px;left:16px;box-sizing:border-box;" +
  "width:360px;max-width:calc(100vw - 32px);padding:16px;border-radius:12px;border-top:4px solid;" +
  "background:#fff;color:#111827;box-shadow:0 8px 24px #0003;font:15px/1.45 system-ui}" +
  "h2{margin:0 40px 8px 0;font-size:16px}p{margin:0 0 8px}" +
  "blockquote{margin:0 0 8px;padding-left:8px;border-left:3px solid #9ca3af;white-space:pre-wrap}" +
  ".r{white-space:pre-wrap}small{display:block;color:#4b5563;margin-bottom:8px}" +
  ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}" +
  "button{min-width:44px;min-height:44px;margin-right:8px;padding:0 16px;border:2px solid #4b5563;" +
  "border-radius:22px;background:#fff;color:#111827;font:600 15px system-ui;cursor:pointer}" +
  ".x{position:absolute;top:8px;right:8px;margin:0;padding:0;border:0;font-size:22px}" +
  "[dir=rtl] .x{right:auto;left:8px}" +
  "@media(prefers-color-scheme:dark){section,button{background:#1f2937;color:#f9fafb}" +
  "small{color:#d1d5db}button{border-color:#d1d5db}}";

export default async (c, nonce, endpoint, token) => {
  // Only a token the collector could accept: a string whose `exp` is still ahead (the widget
  // names a malformed one; an expired one would only earn a 401 in the console).
  try {
    const claims = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    if (!(claims.exp * 1e3 > Date.now())) return;
  } catch (e) {
    return;
  }
  const D = document;
  const E = (tag, text, cls) => {
    const e = D.createElement(tag);
    text && e.append(text);
    cls && (e.className = cls);
    return e;
  };
  const lang = (c.locale != "auto" && c.locale) || D.documentElement.lang || navigator.language;
  const url = endpoint + "/v1/sites/" + encodeURIComponent(c.site) + "/followups";
  const post = (id, what, body) =>
    fetch(url + "/" + encodeURIComponent(id) + "/" + what, {
      method: "POST",
      headers: { authorization: "Bearer " + token, "content-type": "application/json" },
      body: JSON.stringify(body || {}),
    });
  const r = await fetch(url + "?locale=" + encodeURIComponent(lang || ""), {
    headers: { authorization: "Bearer " + token },
  });
  if (!r.ok) return;
  const { words: w, followups, dir, locale } = await r.json();
  const f = followups[0];
  if (!f || D.querySelector("rapport-followup")) return;
  const host = E("rapport-followup");
  const root = host.attachShadow({ mode: "open" });
  const style = E("style", CSS);
  style.nonce = nonce;
  const box = E("section");
  box.dir = dir;
  box.lang = locale;
  box.style.borderTopColor = c.theme?.brand;
  box.setAttribute("role", "region");
  box.setAttribute("aria-label", w.title);
  const q = f.quote;
  const fill = (s, o) => s.replace(/\{(\w+)\}/g, (m, k) => o[k] ?? m);
  const close = E("button", "×", "x");
  close.setAttribute("aria-label", w.close);
  const done = () => {
    host.remove();
    D.removeEventListener("keydown", esc);
  };
  const esc = (e) => e.key == "Escape" && done();
  close.onclick = done;
  // The announcement: a polite live region (for screen readers only: the card shows the
  // same words), filled after it is in the document.
  const live = E("p", "", "sr");
  live.setAttribute("aria-live", "polite");
  const vote = E("div");
  vote.append(E("p", w.helpful));
  for (const [label, value] of [[w.yes, !0], [w.no, !1]]) {
    const b = E("button", label);
    b.onclick = () => {
      post(f.id, "helpful", { helpful: value });
      vote.replaceChildren(E("p", w.thanks));
      live.textContent = w.thanks;
    };
    vote.append(b);
  }
  box.append(
    close,
    E("h2", w.title),
    E("p", w.youToldUs),
    E("blockquote", q.type == "text" ? q.text : q.type == "score" ? fill(w.score, { score: q.value, max: q.max }) : "…"),
    E("p", fill(w.replied, { author: f.author })),
    E("p", f.text, "r"),
    E("small", new Date(f.sentAt).toLocaleDateString(locale)),
    vote,
    live
  );
  root.append(style, box);
  D.body.append(host);
  D.addEventListener("keydown", esc);
  setTimeout(() => (live.textContent = w.title + ": " + fill(w.replied, { author: f.author })), 100);
  f.seen || post(f.id, "seen");
};
