// Every code block of README.md and pkg/README.md runs as written, against the real collector.
//
// The examples use two documented placeholders, replaced here: `SITE_ID` (the demo site,
// whose surveys the test collector serves) and `https://shop.example` (the collector's
// address: this run's base URL). By language:
//
// * `html`: the script-tag snippet, in the <head> of a page of the collector's origin; the
//   `js` blocks without `import` run after it as the page's own script.
// * `js` with `import`: a module script importing the npm package as `npm pack` packs it
//   (extracted from the tarball, served under /node_modules/, bare specifiers resolved by an
//   import map from the package's `exports`), so a file missing from the package fails here.
// * `http`: the CSP header, sent with the snippet page (the nonce on the snippet's tags, as
//   the README says); the survey must show with no CSP violation.
// * `js` that requires `node:` modules (the token-minting example): run in Node, and the token
//   it mints must open the loyalty endpoint and link an answer to the customer; `json` (the
//   loyalty config fragment): its keys are those the collector accepted at start; `json` (the
//   launcher fragment): the collector's check accepts it (server/src/launcher.rs), and served
//   as the demo's launcher it draws its buttons; `rust`: it is
//   server/tests/readme/customer_token.rs, which `cargo test -p rapport-server` compiles and runs.
// * `sh`: `curl` lines run (against this run's collector); `npm install` names the package;
//   long-running or slow commands (`cargo xtask …`, `rapport-server`, `rapport-metrics`) are
//   checked for existence: the subcommand and every flag must be in their help.
//
// Every page fails the test on a page error or console error (fixtures.ts), and a block that
// calls `show` must put the survey on screen. Relative links of the READMEs must resolve.
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Page } from "@playwright/test";
import { test, expect } from "./fixtures";
import { serveDir } from "./serve";
import { dialog } from "./widget";

const ROOT = path.resolve(__dirname, "../..");
const READMES = ["README.md", "pkg/README.md"];
const SITE = "demo";
const SERVER_BIN = process.env.RAPPORT_SERVER_BIN || path.join(ROOT, "target", "debug", "rapport-server");
const CLI_BIN = process.env.RAPPORT_CLI_BIN || path.join(ROOT, "target", "debug", "rapport-metrics");
const PKG_NAME: string = JSON.parse(fs.readFileSync(path.join(ROOT, "pkg", "package.json"), "utf8")).name;

type Block = { file: string; line: number; lang: string; code: string };

/** The fenced code blocks of a Markdown file. */
function blocksOf(file: string): Block[] {
  const lines = fs.readFileSync(path.join(ROOT, file), "utf8").split("\n");
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    out.push({ file, line: start + 1, lang: open[1], code: body.join("\n") });
  }
  return out;
}

const BLOCKS = READMES.flatMap(blocksOf);
const snippets = BLOCKS.filter((b) => b.lang === "html");

/** The placeholders replaced by this run's values. */
const fill = (code: string, base: string) => code.replaceAll("SITE_ID", SITE).replaceAll("https://shop.example", base);

/** Serves `html` as `/readme/page.html` of the collector's origin, with `headers`. */
async function openHtml(page: Page, base: string, html: string, headers: Record<string, string> = {}) {
  await page.route(`${base}/readme/page.html`, (route) =>
    route.fulfill({ status: 200, headers: { "content-type": "text/html; charset=utf-8", ...headers }, body: html })
  );
  await page.goto(`${base}/readme/page.html`);
}

const pageHtml = (head: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>README example</title>${head}</head>` +
  `<body><main><h1>README example</h1></main>${body}</body></html>`;

/** The package as `npm pack` packs it, extracted into a temp dir (removed after the file). */
let packed = "";
test.beforeAll(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rapport-readme-"));
  const out = execFileSync("npm", ["pack", path.join(ROOT, "pkg"), "--pack-destination", dir, "--json", "--ignore-scripts"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  const [{ filename }] = JSON.parse(out);
  execFileSync("tar", ["-xzf", path.join(dir, filename), "-C", dir]);
  packed = path.join(dir, "package");
});
test.afterAll(() => {
  if (packed) fs.rmSync(path.dirname(packed), { recursive: true, force: true });
});

/** Import map entries for the package's `exports` (bare specifier → served file). */
function importMap(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(packed, "package.json"), "utf8"));
  const imports: Record<string, string> = {};
  for (const [key, target] of Object.entries<any>(manifest.exports)) {
    const file = typeof target === "string" ? target : target.default;
    if (!file.endsWith(".js") || key === "./package.json") continue;
    imports[key === "." ? manifest.name : `${manifest.name}/${key.slice(2)}`] = `/node_modules/${manifest.name}/${file.slice(2)}`;
  }
  return JSON.stringify({ imports });
}

const showsSurvey = (code: string) => /rapport\('show'/.test(code);

for (const block of BLOCKS) {
  const name = `${block.file}:${block.line} (${block.lang || "no language"}) runs as written`;

  if (block.lang === "html") {
    test(name, async ({ page, baseURL }) => {
      await openHtml(page, baseURL!, pageHtml(fill(block.code, baseURL!), ""));
      await page.waitForFunction(() => (window as any).rapport?.l === 1);
      await page.evaluate(() => (window as any).rapport("show", "post-purchase"));
      await expect(dialog(page)).toBeVisible();
    });
  } else if (block.lang === "js" && /require\('node:/.test(block.code)) {
    // Server-side Node code (minting a customer token): run in Node; the token it mints
    // with the demo site's secret must open the customer's loyalty endpoint.
    test(name, async ({ request }) => {
      const demo = JSON.parse(fs.readFileSync(path.join(ROOT, "config/demo.json"), "utf8"));
      const secret: string = demo.sites.find((s: any) => s.site === SITE).loyalty.customerTokenSecret;
      const mint = new Function("require", `${block.code}\nreturn customerToken;`)(require);
      const token: string = mint(secret, SITE, "readme-customer");
      const me = await request.get(`/v1/sites/${SITE}/loyalty/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(me.status(), await me.text()).toBe(200);
      // An answer posted with it is linked to the customer (the collector side of
      // `POST /v1/responses` with a token).
      const answered = await request.post(`/v1/responses`, {
        headers: { authorization: `Bearer ${token}` },
        data: { id: `readme-token-${Date.now()}`, site: SITE, survey: "post-purchase", answers: [{ question: "nps", value: 9 }] },
      });
      expect(answered.status(), await answered.text()).toBe(201);
      expect((await answered.json()).customer).toBe("readme-customer");
      const forged = await request.get(`/v1/sites/${SITE}/loyalty/me`, {
        headers: { authorization: `Bearer ${mint(secret + "x", SITE, "readme-customer")}` },
      });
      expect(forged.status()).toBe(401);
    });
  } else if (block.lang === "json" && /^"loyalty":/.test(block.code.trim())) {
    // A config fragment: every key it documents is one the collector accepted at this run's
    // start (config/demo.json's loyalty block, checked key by key by the collector).
    test(name, () => {
      const documented = JSON.parse(`{${block.code}}`).loyalty;
      const demo = JSON.parse(fs.readFileSync(path.join(ROOT, "config/demo.json"), "utf8"));
      const accepted = demo.sites.find((s: any) => s.site === SITE).loyalty;
      expect(Object.keys(documented).sort()).toEqual(Object.keys(accepted).sort());
      expect(Object.keys(documented.webhooks).sort()).toEqual(Object.keys(accepted.webhooks).sort());
    });
  } else if (block.lang === "json" && /^"launcher":/.test(block.code.trim())) {
    // The launcher example: server/src/launcher.rs's test checks it as the collector does;
    // here it is served as the demo site's `launcher` and its buttons must show, labelled.
    test(name, async ({ page }) => {
      const documented = JSON.parse(`{${block.code}}`).launcher;
      await page.route(`**/v1/sites/${SITE}/config`, async (route) => {
        const response = await route.fetch();
        const config = await response.json();
        expect(config.surveys.map((s: any) => s.id)).toContain(documented.survey);
        await route.fulfill({ response, json: { ...config, launcher: documented } });
      });
      await page.goto("/");
      const buttons = page.locator("rapport-launcher").getByRole("button");
      await expect(buttons).toHaveText([documented.label.en, documented.rewards.label]);
      await buttons.first().click();
      await expect(dialog(page)).toBeVisible();
    });
  } else if (block.lang === "rust") {
    // Compiled and run by `cargo test -p rapport-server` (server/tests/readme_token.rs: the
    // token it mints opens `loyalty/me` and links an answer); here: the block is that file.
    test(name, () => {
      const compiled = fs.readFileSync(path.join(ROOT, "server/tests/readme/customer_token.rs"), "utf8");
      expect(block.code.trimEnd()).toBe(compiled.trimEnd());
    });
  } else if (block.lang === "js" && !/^\s*import\s/m.test(block.code)) {
    test(name, async ({ page, baseURL }) => {
      expect(snippets, "a js block for the script tag needs the README's snippet").toHaveLength(1);
      const body = `<script>${fill(block.code, baseURL!)}\nwindow.__readmeDone = true;</script>`;
      await openHtml(page, baseURL!, pageHtml(fill(snippets[0].code, baseURL!), body));
      await page.waitForFunction(() => (window as any).__readmeDone === true && (window as any).rapport?.l === 1);
      if (showsSurvey(block.code)) await expect(dialog(page)).toBeVisible();
      // The loyalty panel's example opens it (no customer token here: the call to action).
      if (/rapport\('loyalty'/.test(block.code))
        await expect(page.locator("rapport-loyalty").getByRole("dialog")).toContainText("Join our rewards programme");
    });
  } else if (block.lang === "js") {
    test(name, async ({ page, baseURL }) => {
      await serveDir(page, `/node_modules/${PKG_NAME}`, packed);
      const head = `<script type="importmap">${importMap()}</script>`;
      const body = `<script type="module">${fill(block.code, baseURL!)}\nwindow.__readmeDone = true;</script>`;
      // A module that throws (or whose top-level await rejects) reports an `error` event.
      await page.addInitScript(() =>
        addEventListener("error", (e) => ((window as any).__readmeError = String(e.message)))
      );
      await openHtml(page, baseURL!, pageHtml(head, body));
      await page.waitForFunction(() => (window as any).__readmeDone || (window as any).__readmeError, null, {
        timeout: 30_000,
      });
      expect(await page.evaluate(() => (window as any).__readmeError), "the block threw").toBeUndefined();
      if (showsSurvey(block.code)) await expect(dialog(page)).toBeVisible();
    });
  } else if (block.lang === "http") {
    test(name, async ({ page, baseURL }) => {
      expect(snippets, "the CSP example is checked with the README's snippet").toHaveLength(1);
      const [header, value] = fill(block.code, baseURL!).split(/:\s*/, 2) as [string, string];
      expect(header).toBe("Content-Security-Policy");
      const nonce = "readme" + Date.now().toString(36);
      await page.addInitScript(() => {
        (window as any).__violations = [];
        document.addEventListener("securitypolicyviolation", (e) =>
          (window as any).__violations.push(`${e.violatedDirective} ${e.blockedURI}`)
        );
      });
      const head = fill(snippets[0].code, baseURL!).replaceAll("<script", `<script nonce="${nonce}"`);
      const body = `<script nonce="${nonce}">rapport('show', 'post-purchase');</script>`;
      await openHtml(page, baseURL!, pageHtml(head, body), { [header]: value.replaceAll("RANDOM", nonce) });
      await expect(dialog(page)).toBeVisible();
      expect(await page.evaluate(() => (window as any).__violations)).toEqual([]);
    });
  } else if (block.lang === "sh") {
    test(name, async ({ baseURL }) => {
      for (const line of block.code.split("\n")) {
        const words = shellWords(line);
        if (words.length) await checkCommand(words, baseURL!);
      }
    });
  } else {
    test(name, () => {
      throw new Error(`${block.file}:${block.line}: no check for a \`${block.lang}\` block: add one here`);
    });
  }
}

/** The words of one shell line (quotes removed; a `#` outside quotes starts a comment). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote = "";
  for (const c of line) {
    if (quote) {
      if (c === quote) quote = "";
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= "";
    } else if (c === "#" && word === null) {
      break;
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else {
      word = (word ?? "") + c;
    }
  }
  if (quote) throw new Error(`unbalanced quote in \`${line}\``);
  if (word !== null) words.push(word);
  return words;
}

/** `program --help` (stdout and stderr), failing clearly when the program is missing. */
function help(program: string, args: string[] = ["--help"]): string {
  expect(fs.existsSync(program), `${program} exists (cargo xtask test e2e builds it)`).toBe(true);
  const r = spawnSync(program, args, { encoding: "utf8" });
  return `${r.stdout}${r.stderr}`;
}

const flags = (words: string[]) => words.filter((w) => w.startsWith("--"));

async function checkCommand(words: string[], base: string) {
  const [program, ...args] = words;
  const line = words.join(" ");
  switch (program) {
    case "cargo": {
      expect(args[0], line).toBe("xtask");
      const usage = spawnSync("cargo", ["xtask", "help"], { cwd: ROOT, encoding: "utf8" }).stdout;
      expect(usage, `\`cargo xtask ${args[1]}\` is a command`).toMatch(new RegExp(`^  ${args[1]}\\b`, "m"));
      if (args[1] === "test" && args.length > 2) {
        // An unknown stage makes the command list the stages (before installing anything).
        const r = spawnSync("cargo", ["xtask", "test", "no-such-stage"], { cwd: ROOT, encoding: "utf8" });
        const stages = /stages: (.*)/.exec(r.stderr)?.[1].split(", ") ?? [];
        for (const stage of args.slice(2)) expect(stages, `\`${stage}\` is a test stage`).toContain(stage);
      }
      return;
    }
    case "curl": {
      const url = args.find((a) => a.startsWith("http"));
      expect(url, line).toBeTruthy();
      const local = args.map((a) => a.replace("http://127.0.0.1:8080", base));
      const body = execFileSync("curl", ["--silent", "--show-error", "--fail", ...local], { encoding: "utf8" });
      // The demo's answers as JSON or CSV: at least the JSON array or the CSV header.
      expect(body, line).toMatch(url!.includes("format=csv") ? /^id,/ : /^\[/);
      return;
    }
    case "npm":
      expect(args.slice(0, 1), line).toEqual(["install"]);
      expect(args[1], "the package's name").toBe(PKG_NAME);
      return;
    case "rapport-server": {
      const text = help(SERVER_BIN);
      for (const flag of flags(args)) expect(text, `rapport-server ${flag}`).toContain(flag);
      return;
    }
    case "rapport-metrics": {
      const text = help(CLI_BIN);
      expect(text, `rapport-metrics ${args[0]}`).toMatch(new RegExp(`^  ${args[0]}\\b`, "m"));
      for (const flag of flags(args)) expect(text, `rapport-metrics ${flag}`).toContain(flag);
      return;
    }
    default:
      throw new Error(`\`${line}\`: no check for \`${program}\` in README shell blocks: add one here`);
  }
}

/** GitHub's anchor for a heading. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");

test("the READMEs' relative links resolve (files and heading anchors)", () => {
  for (const file of READMES) {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      const [rel, anchor] = target.split("#");
      const resolved = path.resolve(path.dirname(path.join(ROOT, file)), rel);
      expect(fs.existsSync(resolved), `${file}: link ${target}`).toBe(true);
      if (anchor) {
        const headings = fs
          .readFileSync(resolved, "utf8")
          .split("\n")
          .filter((l) => /^#+\s/.test(l))
          .map((l) => slug(l.replace(/^#+\s/, "")));
        expect(headings, `${file}: anchor #${anchor} in ${rel}`).toContain(anchor);
      }
    }
  }
});
