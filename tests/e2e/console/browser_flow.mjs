// The console in headless Chromium (the system's /usr/bin/chromium, driven by playwright-core from
// console/node_modules: no browser download), against a running local runtime. Environment: CONSOLE_URL,
// GL_EMAIL / GL_PASSWORD (an SSA account), GL_CLIENT_ID / GL_CLIENT_SECRET (an OAuth client), GL_ARTIFACTS (the
// screenshots' folder), CHROMIUM (default /usr/bin/chromium). Prints one JSON report of what the page showed;
// tests/e2e/test_console_browser.py checks it against the APIs. Exits 1 with the error on a failed step.

import { createRequire } from "node:module";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "../../../console/package.json"));
const { chromium } = require("playwright-core");

const env = (k, d) => process.env[k] ?? d ?? (() => { throw new Error(`${k} is not set`); })();
const url = env("CONSOLE_URL");
const artifacts = env("GL_ARTIFACTS", join(here, "../artifacts/console"));
mkdirSync(artifacts, { recursive: true });
const report = { steps: [] };
const step = (name) => report.steps.push(name);

const browser = await chromium.launch({
  executablePath: env("CHROMIUM", "/usr/bin/chromium"),
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
const consoleErrors = [];
page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
page.on("pageerror", (e) => consoleErrors.push(String(e)));
const outside = [];
page.on("request", (r) => { if (!r.url().startsWith(new URL(url).origin)) outside.push(r.url()); });
const shot = async (name) => {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: false });
};

try {
  // 1. sign in: the SSA account, then an OAuth client for the operations APIs
  await page.goto(url);
  await page.fill("#signin-account #email", env("GL_EMAIL"));
  await page.fill("#signin-account #password", env("GL_PASSWORD"));
  await page.click("#signin-account button[type=submit]");
  await page.waitForSelector("#tab-passes");
  await page.click("#add-credential");
  await page.fill("#signin-client #client-id", env("GL_CLIENT_ID"));
  await page.fill("#signin-client #client-secret", env("GL_CLIENT_SECRET"));
  await page.click("#signin-client button[type=submit]");
  await page.waitForSelector("#who:has-text('OAuth client')");
  report.who = await page.textContent("#who");
  step("signed in");

  // 2. search a satellite by name, then its passes over every station
  await page.fill("#sat-query", env("GL_SATELLITE", "NOAA 20"));
  await page.keyboard.press("Enter");
  await page.waitForSelector(".sat-match[aria-pressed=true]");
  report.satellite = await page.textContent(".sat-match[aria-pressed=true]");
  const searched = page.waitForResponse((r) => r.url().endsWith("/orbapi/passes/search"));
  await page.click("#pass-search");
  const search = await (await searched).json();
  await page.waitForSelector("tr.pass-row");
  report.passRows = await page.locator("tr.pass-row").count();
  report.apiPasses = search.total;
  report.freshness = await page.textContent("#pass-freshness");
  step("passes listed");

  // 3. open the first pass starting at least three minutes from now (and culminating at least GL_MIN_MAX_ELEVATION
  //    degrees up), by keyboard
  const minMax = Number(env("GL_MIN_MAX_ELEVATION", "0"));
  const index = search.passes.findIndex((p) => Date.parse(p.aos) > Date.now() + 180000 && p.max_elevation >= minMax);
  const pass = search.passes[index];
  await page.focus(`tr.pass-row[data-index="${index}"] button.pass-open`);
  await page.keyboard.press("Enter");
  await page.waitForSelector(".skyplot .track");
  report.pass = { index, aos: pass.aos, los: pass.los, station: pass.groundStationId, apiTrackPoints: pass.polar_track.length,
    apiTrack: pass.polar_track.map((p) => [p.azimuth, p.elevation]) };
  report.skyPlot = await page.evaluate(() => {
    const svg = document.querySelector(".skyplot");
    return {
      trackPoints: svg.querySelectorAll(".track-point").length,
      pointTitles: [...svg.querySelectorAll(".track-point title")].map((t) => t.textContent),
      pathD: svg.querySelector(".track").getAttribute("d"),
      marks: [...svg.querySelectorAll(".mark-label")].map((t) => t.textContent),
      mask: svg.querySelector(".mask title")?.textContent ?? null,
      groundTrackD: document.querySelector(".ground-track")?.getAttribute("d") ?? null,
      coastline: document.querySelector("#pass-detail .coast")?.getAttribute("d")?.length ?? 0,
    };
  });
  await shot("passes-skyplot");
  step("sky plot drawn");

  // 4. book it through orbapi; booking it again is refused with the conflict's explanation
  await page.selectOption("#book-api", "orbapi");
  await page.click("#book-pass");
  await page.waitForSelector("#book-answer[data-kind=ok]");
  report.bookingId = Number(await page.getAttribute("#book-answer", "data-booking-id"));
  report.bookingAnswer = await page.textContent("#book-answer");
  await page.click("#book-pass");
  await page.waitForSelector("#book-answer[data-kind=error]");
  report.conflict = await page.textContent("#book-answer");
  step("booked");

  // 5. the booking on the timeline, cancelled from there
  await page.click("#tab-schedule");
  const bar = `.res-bar[data-api=orbapi][data-id="${report.bookingId}"]`;
  await page.waitForSelector(bar);
  report.timelineState = await page.getAttribute(bar, "data-state");
  report.timelineRows = await page.locator(".row-label").count();
  await shot("schedule-timeline");
  const row = `tr.res-row[data-key^="orbapi-${report.bookingId}-"]`;
  await page.click(`${row} button.cancel`);
  await page.waitForSelector(`${row}[data-state=Cancelled]`);
  report.cancelledState = await page.getAttribute(bar, "data-state");
  report.cancelStatus = await page.textContent("#view-schedule .status");
  await shot("schedule-cancelled");
  step("cancelled");

  // 6. the station map
  await page.click("#tab-stations");
  await page.waitForSelector("#station-map .station-dot");
  report.stationDots = await page.$$eval("#station-map .station-dot", (ds) => ds.map((d) => ({ id: d.dataset.station, status: d.dataset.status })));
  report.stationRows = await page.locator("#station-table tbody tr").count();
  await shot("stations-map");
  step("stations shown");

  // 7. analyses (the SSA account's token): a pass analysis over a typed triangle, a maneuver detection
  await page.click("#tab-analyses");
  await page.selectOption("#geom-kind", "Polygon");
  for (const [lon, lat] of [[5, 45], [25, 45], [25, 60]]) {
    await page.fill("#geom-lon", String(lon));
    await page.fill("#geom-lat", String(lat));
    await page.keyboard.press("Enter");
  }
  const statuses = [];
  page.on("response", async (r) => {
    if (r.url().includes("/v1/pass_analyzer_callback/")) statuses.push(await r.json().catch(() => null));
  });
  await page.click("#analysis-run");
  await page.waitForSelector(".analysis-table", { timeout: 90000 });
  const done = statuses.find((b) => b?.status === "completed").result;
  report.analysisApi = { points: done.ground_points.length, access: done.Access_norad[0].filter(Boolean).length,
    windows: done.timestamp[0].length };
  report.analysis = await page.evaluate(() => ({
    drawn: document.querySelector("#analysis-map .drawn")?.getAttribute("d") ?? null,
    tiles: document.querySelectorAll("#analysis-map rect.cov").length,
    rows: [...document.querySelectorAll(".analysis-table tbody tr")].map((tr) => [...tr.cells].slice(0, 3).map((c) => c.textContent)),
  }));
  const detected = page.waitForResponse((r) => r.url().endsWith("/v1/manuaver/"));
  await page.click("#maneuver-run");
  const maneuvers = await (await detected).json();
  const series = maneuvers.time_series_plot_data["25544"];
  report.maneuverApi = { epochs: series.epochs, sma: series.semi_major_axis_km, inc: series.inclination_deg,
    maneuvers: maneuvers.maneuvers.map((m) => ({ time: m.maneuver_time_utc, deltaV: m.delta_v, type: m.maneuver_type,
      before: m.time_series_data.epoch_before, after: m.time_series_data.epoch_after })),
    insufficient: maneuvers.insufficient_history?.["25544"] ?? null };
  await page.waitForSelector(".chart.sma");
  report.maneuver = await page.evaluate(() => {
    const chart = (cls) => {
      const svg = document.querySelector(`.chart.${cls}`);
      return {
        title: svg.querySelector(".chart-title")?.textContent ?? null,
        points: [...svg.querySelectorAll(".series-point")].map((c) => ({ time: c.dataset.time, value: Number(c.dataset.value),
          x: Number(c.getAttribute("cx")), y: Number(c.getAttribute("cy")) })),
        burns: [...svg.querySelectorAll(".burn")].map((g) => ({ time: g.dataset.time, kind: g.dataset.kind,
          x: Number(g.querySelector("line").getAttribute("x1")), label: g.querySelector(".mark-label").textContent })),
      };
    };
    return { sma: chart("sma"), inc: chart("inc"), summary: document.querySelector("#maneuver-summary")?.textContent ?? null };
  });
  await page.locator("#maneuver-plots").scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(artifacts, "maneuver-plot.png"), fullPage: false });
  await shot("analyses");
  step("analyses shown");
} catch (err) {
  report.error = String(err?.stack || err);
  await shot("failure").catch(() => {});
}
report.consoleErrors = consoleErrors;
report.outsideRequests = outside;
await browser.close();
console.log(JSON.stringify(report));
process.exit(report.error ? 1 : 0);
