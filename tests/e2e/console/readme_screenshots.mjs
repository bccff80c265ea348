// The README's pictures of the console, taken from a running local runtime (`make run`) in headless Chromium:
//   CONSOLE_URL=http://127.0.0.1:8000/console/ GL_TOKEN=<the banner's JWT> node tests/e2e/console/readme_screenshots.mjs
// docs/console-passes.png (a pass's sky plot next to the pass list), docs/console-schedule.png (the timeline of
// the token owner's reservations: book a few first) and docs/console-maneuvers.png (the maneuver detection of the
// ISS over the last 29 days: import a recent history first, as the README's console section shows —
// `python -m tests.support.shifted_history`, real 2023 sets with their epochs moved, then `groundlink import-tle`).
// GL_ONLY=maneuvers (a comma-separated list of passes, schedule, maneuvers) takes only those pictures.

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
const only = new Set((process.env.GL_ONLY || "passes,schedule,maneuvers").split(","));
const wrote = [];
if (only.has("passes") || only.has("schedule")) {
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
  if (only.has("passes")) {
    await page.screenshot({ path: join(out, "console-passes.png") });
    wrote.push(`console-passes.png (pass ${index} of ${search.total})`);
  }
}
if (only.has("schedule")) {
  await page.click("#tab-schedule");
  await page.waitForSelector(".res-bar");
  await page.screenshot({ path: join(out, "console-schedule.png") });
  wrote.push("console-schedule.png");
}
if (only.has("maneuvers")) {
  await page.click("#tab-analyses");
  await page.click("#maneuver-run");
  await page.waitForSelector(".chart.inc");
  const burns = await page.locator(".chart.sma .burn").count();
  const [top, bottom] = await page.evaluate(() => {  // page coordinates: the heading to the summary under the charts
    const heading = [...document.querySelectorAll("#view-analyses h2")].find((e) => e.textContent === "Maneuver detection");
    return [heading.getBoundingClientRect().top + window.scrollY - 8,
      document.querySelector("#maneuver-summary").getBoundingClientRect().bottom + window.scrollY + 8];
  });
  await page.screenshot({ path: join(out, "console-maneuvers.png"), fullPage: true,
    clip: { x: 0, y: top, width: 940, height: bottom - top } });
  wrote.push(`console-maneuvers.png (${burns} burn(s) marked)`);
}
await browser.close();
console.log(`wrote in ${out}: ${wrote.join(", ")}`);
