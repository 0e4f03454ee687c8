import { chromium } from "playwright-core";
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox","--disable-gpu","--disable-background-networking","--disable-component-update","--disable-sync","--no-first-run","--disable-quic"] });
for (const [name, url] of [["hostile","/test/hostile.html"],["demo","/"],["order","/order.html"],["cart","/cart.html"],["types","/test/types.html?type=nps"],["csp","/test/csp.html"],["spa","/test/spa.html"]]) {
  const p = await b.newPage({ viewport: { width: 1024, height: 700 } });
  p.on("console", m => console.log(name, "CONSOLE", m.type(), m.text()));
  p.on("pageerror", e => console.log(name, "PAGEERROR", e.message));
  await p.goto("http://127.0.0.1:8199" + url);
  await p.waitForTimeout(800);
  await p.screenshot({ path: `/tmp/fakesrv/${name}.png` });
  await p.close();
}
await b.close();
