// The README's pictures of the console, taken from a running local runtime (`make run`) in headless Chromium:
//   CONSOLE_URL=http://127.0.0.1:8000/console/ GL_TOKEN=<the banner's JWT> node tests/e2e/console/readme_screenshots.mjs
// docs/console-passes.png (a pass's sky plot next to the pass list), docs/console-schedule.png (the timeline of
// the token owner's reservations: book a few first) and docs/console-maneuvers.png (the maneuver detection of the
// ISS over the last 29 days: import a recent history first, as the README's console section shows —
// `python -m tests.support.shifted_history`, real 2023 sets with their epochs moved, then `groundlink import-tle`).

import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const { chromium } = createRequire(join(here, "../../../console/package.json"))("playwright-core");
const out = join(here, "../../../docs");
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"] });
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
await page.goto(process.env.CONSOLE_URL);
await page.fill("#signin-token #token", process.env.GL_TOKEN);
await page.click("#signin-token button[type=submit]");
await page.fill("#sat-query", process.env.GL_SATELLITE || "NOAA 20");
await page.keyboard.press("Enter");
await page.waitForSelector(".sat-match[aria-pressed=true]");
const searched = page.waitForResponse((r) => r.url().endsWith("/orbapi/passes/search"));
await page.click("#pass-search");
const search = await (await searched).json();
const index = search.passes.findIndex((p) => Date.parse(p.aos) > Date.now() + 180000 && p.max_elevation >= 50);
await page.click(`tr.pass-row[data-index="${index}"] button.pass-open`);
await page.waitForSelector(".skyplot .track");
await page.evaluate(() => window.scrollTo(0, 0));
await page.screenshot({ path: join(out, "console-passes.png") });
await page.click("#tab-schedule");
await page.waitForSelector(".res-bar");
await page.screenshot({ path: join(out, "console-schedule.png") });
await page.click("#tab-analyses");
await page.click("#maneuver-run");
await page.waitForSelector(".chart.inc");
const burns = await page.locator(".chart.sma .burn").count();
await page.locator("#view-analyses h2:has-text('Maneuver detection')").evaluate((e) => e.scrollIntoView());
await page.screenshot({ path: join(out, "console-maneuvers.png") });
await browser.close();
console.log(`wrote ${out}/console-passes.png, console-schedule.png (pass ${index} of ${search.total}) and `
  + `console-maneuvers.png (${burns} burn(s) marked)`);
