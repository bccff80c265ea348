// Analyses (SSA): a pass analysis over a point, line or polygon drawn on the map, with the coverage drawn back
// on it; a maneuver detection as semi-major axis and inclination over time with the detected burns marked.

import { freshness, h, put, s, statusLine } from "../dom.js";
import { labelRows } from "../lib/chart.js";
import { project } from "../lib/geo.js";
import { utc } from "../lib/time.js";
import { MAP_H, MAP_W, eventLonLat, worldMap } from "../map.js";

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const isoMinute = (ms) => new Date(ms).toISOString().slice(0, 16);

/** A time-series chart: `series` [{t (ms), v}], vertical markers at `marks` [{t, label, kind}] (kind: the maneuver type). */
export function seriesChart(title, unit, series, marks, cls) {
  const W = 720, H = 200, L = 70, B = 24, T = 20;
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, class: `chart ${cls}`, role: "img", "aria-label": title });
  svg.append(s("text", { x: L, y: 14, class: "chart-title" }, `${title} (${unit})`));
  if (!series.length) {
    svg.append(s("text", { x: L, y: H / 2, class: "map-note" }, "no element sets in the period"));
    return svg;
  }
  const ts = series.map((p) => p.t).concat(marks.map((m) => m.t));
  let [t0, t1] = [Math.min(...ts), Math.max(...ts)];
  if (t1 === t0) { t0 -= 43200000; t1 += 43200000; }
  let [v0, v1] = [Math.min(...series.map((p) => p.v)), Math.max(...series.map((p) => p.v))];
  if (v1 === v0) { v0 -= 0.5; v1 += 0.5; }
  const x = (t) => L + ((t - t0) / (t1 - t0)) * (W - L - 10);
  const y = (v) => T + (1 - (v - v0) / (v1 - v0)) * (H - T - B);
  svg.append(s("path", { d: `M${L} ${T} V${H - B} H${W - 10}`, class: "axis" }));
  svg.append(s("text", { x: 4, y: T + 8, class: "tick-label" }, v1.toFixed(3)));
  svg.append(s("text", { x: 4, y: H - B, class: "tick-label" }, v0.toFixed(3)));
  svg.append(s("text", { x: L, y: H - 6, class: "tick-label" }, utc(new Date(t0).toISOString()).slice(0, 10)));
  svg.append(s("text", { x: W - 90, y: H - 6, class: "tick-label" }, utc(new Date(t1).toISOString()).slice(0, 10)));
  const iso = (t) => new Date(t).toISOString().replace(".000Z", "Z");
  const rows = labelRows(marks.map((m) => x(m.t)), W - 10);
  marks.forEach((m, i) => {
    const mx = x(m.t), { row, left } = rows[i];
    svg.append(s("g", { class: "burn", "data-time": iso(m.t), "data-kind": m.kind ?? "" },
      s("line", { x1: mx.toFixed(1), x2: mx.toFixed(1), y1: T, y2: H - B }),
      s("text", { x: (left ? mx - 3 : mx + 3).toFixed(1), y: T + 10 + 12 * row, "text-anchor": left ? "end" : "start", class: "mark-label" }, m.label),
      s("title", {}, `${m.label}${m.kind ? ` (${m.kind})` : ""} at ${utc(iso(m.t))}`)));
  });
  svg.append(s("path", { d: series.map((p, i) => `${i ? "L" : "M"}${x(p.t).toFixed(1)} ${y(p.v).toFixed(1)}`).join(" "), class: "series" }));
  for (const p of series) {
    svg.append(s("circle", { cx: x(p.t).toFixed(1), cy: y(p.v).toFixed(1), r: 2.5, class: "series-point", "data-time": iso(p.t), "data-value": p.v },
      s("title", {}, `${utc(iso(p.t))}: ${p.v} ${unit}`)));
  }
  return svg;
}

export function analysesView(ctx) {
  const { api } = ctx;
  // --- pass analysis
  const status = statusLine();
  const kind = h("select", { id: "geom-kind", "aria-label": "Geometry", onchange: () => draw() },
    ...["Point", "LineString", "Polygon"].map((k) => h("option", { value: k }, k)));
  const lon = h("input", { id: "geom-lon", type: "number", step: "0.01", min: -180, max: 180, placeholder: "lon", "aria-label": "Longitude" });
  const lat = h("input", { id: "geom-lat", type: "number", step: "0.01", min: -90, max: 90, placeholder: "lat", "aria-label": "Latitude" });
  const norads = h("input", { id: "analysis-norads", value: "25544", "aria-label": "NORAD ids (comma-separated)" });
  const hours = h("input", { id: "analysis-hours", type: "number", min: 1, max: 72, value: 6, "aria-label": "Hours from now" });
  const mapBox = h("div", { id: "analysis-map" });
  const result = h("div", { id: "analysis-result" });
  let vertices = [];
  let coverage = null;

  function geometry() {
    const k = kind.value;
    if (k === "Point") return vertices.length ? { type: "Point", coordinates: vertices[vertices.length - 1] } : null;
    if (k === "LineString") return vertices.length >= 2 ? { type: "LineString", coordinates: vertices } : null;
    return vertices.length >= 3 ? { type: "Polygon", coordinates: [[...vertices, vertices[0]]] } : null;
  }

  function draw() {
    const svg = worldMap("Analysis area: click to add a vertex");
    if (coverage) {
      const { points, values, tile } = coverage;
      const top = Math.max(...values, 1);
      points.forEach(([plon, plat], i) => {
        const a = project(plon - tile / 2, plat + tile / 2, MAP_W, MAP_H);
        const b = project(plon + tile / 2, plat - tile / 2, MAP_W, MAP_H);
        svg.append(s("rect", { x: a.x, y: a.y, width: Math.max(1, b.x - a.x), height: Math.max(1, b.y - a.y),
          class: values[i] > 0 ? "cov" : "cov none", "fill-opacity": values[i] > 0 ? (0.25 + 0.75 * values[i] / top).toFixed(2) : 0.5 },
          s("title", {}, `${plon}, ${plat}: ${Math.round(values[i])} s visible`)));
      });
    }
    const pts = (kind.value === "Point" ? vertices.slice(-1) : vertices).map(([x, y]) => project(x, y, MAP_W, MAP_H));
    if (pts.length > 1) {
      const close = kind.value === "Polygon" ? " Z" : "";
      svg.append(s("path", { d: pts.map((p, i) => `${i ? "L" : "M"}${p.x} ${p.y}`).join(" ") + close, class: "drawn" }));
    }
    for (const p of pts) svg.append(s("circle", { cx: p.x, cy: p.y, r: 4, class: "vertex" }));
    svg.addEventListener("click", (e) => { vertices.push(eventLonLat(svg, e)); coverage = null; draw(); });
    put(mapBox, svg, h("p", { class: "map-note" }, `${kind.value}: ${vertices.length} vertex(es) — ${JSON.stringify(geometry()?.coordinates ?? null)}`));
  }

  function addTyped(event) {
    event.preventDefault();
    if (lon.value === "" || lat.value === "") return;
    vertices.push([Number(lon.value), Number(lat.value)]);
    coverage = null;
    draw();
  }

  async function run(event) {
    event.preventDefault();
    const geom = geometry();
    if (!geom) { status.say(`draw the ${kind.value} first (click the map or type lon/lat)`, "error"); return; }
    const ids = norads.value.split(/[\s,]+/).filter(Boolean).map(Number);
    const now = Date.now();
    try {
      status.say("Submitting the pass analysis…");
      const task = await api.post("/v1/pass_analyzer/", { ground_location: { type: "Feature", geometry: geom, properties: {} },
        date: [new Date(now).toISOString().slice(0, 19) + "Z", new Date(now + Number(hours.value) * 3600000).toISOString().slice(0, 19) + "Z"],
        time_resolution: 60, min_elv_constraint: 10, max_elv_constraint: 90, norad_ids: ids, name: "console analysis" });
      let st = task;
      for (let i = 0; i < 120 && !["completed", "failed"].includes(st.status); i += 1) {
        status.say(`task ${task.task_id}: ${st.status}…`);
        await wait(1000);
        st = await api.get(`/v1/pass_analyzer_callback/${task.task_id}/status/`);
      }
      if (st.status !== "completed") throw new Error(`task ${task.task_id} ${st.status}: ${st.error || "no result"}`);
      showResult(st.result, geom);
      status.say(`task ${task.task_id} completed`, "ok");
    } catch (err) {
      status.say(err.message, "error");
    }
  }

  function showResult(r, geom) {
    const points = r.ground_points || (geom.type === "Point" ? [geom.coordinates] : geom.type === "LineString" ? geom.coordinates : geom.coordinates[0]);
    const values = points.map((_, j) => r.duration_norad.reduce((sum, row) => sum + (row[j] || 0), 0));
    coverage = { points, values, tile: r.tile_size_deg || 1 };
    draw();
    put(result, h("table", { class: "analysis-table" }, h("caption", {}, "Visibility per satellite"),
      h("thead", {}, h("tr", {}, ...["NORAD", "Points with access", "Windows", "First window (UTC)", "Element set"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, ...r.norad_ids.map((id, i) => {
        const windows = r.timestamp[i] || [];
        return h("tr", {}, h("td", {}, String(id)), h("td", {}, `${r.Access_norad[i].filter(Boolean).length} / ${points.length}`),
          h("td", {}, String(windows.length)), h("td", {}, windows[0] ? `${utc(windows[0][0])} – ${utc(windows[0][1]).slice(11)}` : "none"),
          h("td", {}, freshness(r.tle_epoch?.[id], r.tle_age_days?.[id], r.tle_warning?.[id])));
      }))));
  }

  // --- maneuver detection
  const mStatus = statusLine();
  const mNorad = h("input", { id: "maneuver-norad", value: "25544", "aria-label": "NORAD id" });
  const mStart = h("input", { id: "maneuver-start", type: "date", value: isoMinute(Date.now() - 29 * 86400000).slice(0, 10), "aria-label": "Start date" });
  const mEnd = h("input", { id: "maneuver-end", type: "date", value: isoMinute(Date.now()).slice(0, 10), "aria-label": "End date" });
  const plots = h("div", { id: "maneuver-plots" });

  async function detect(event) {
    event.preventDefault();
    mStatus.say("Detecting maneuvers…");
    try {
      const id = Number(mNorad.value);
      const r = await api.post("/v1/manuaver/", { norad_ids: [id], start_date: mStart.value, end_date: mEnd.value });
      const ts = r.time_series_plot_data?.[String(id)] || { epochs: [], semi_major_axis_km: [], inclination_deg: [] };
      const t = ts.epochs.map((e) => Date.parse(e));
      const burns = (r.maneuvers || []).map((m) => ({ t: Date.parse(m.maneuver_time_utc || m.date), label: `Δv ${Number(m.delta_v).toFixed(2)} m/s`,
        kind: m.maneuver_type }));
      put(plots,
        seriesChart("Semi-major axis", "km", t.map((x, i) => ({ t: x, v: ts.semi_major_axis_km[i] })), burns, "sma"),
        seriesChart("Inclination", "°", t.map((x, i) => ({ t: x, v: ts.inclination_deg[i] })), burns, "inc"),
        h("p", { id: "maneuver-summary" }, `${r.total_maneuvers} maneuver(s) detected from ${ts.epochs.length} element set(s) (${r.data_source})`
          + `${r.message ? ` — ${r.message}` : ""}${r.insufficient_history?.[String(id)] ? ` — ${r.insufficient_history[String(id)]}` : ""}`));
      mStatus.say(`${r.total_maneuvers} maneuver(s)`, "ok");
    } catch (err) {
      mStatus.say(err.message, "error");
    }
  }

  const root = h("section", { id: "view-analyses", "aria-labelledby": "tab-analyses" },
    h("h2", {}, "Pass analysis"),
    h("form", { class: "row", onsubmit: addTyped }, h("label", {}, "Geometry ", kind), lon, lat, h("button", { type: "submit" }, "Add vertex"),
      h("button", { type: "button", onclick: () => { vertices = []; coverage = null; draw(); } }, "Clear")),
    mapBox,
    h("form", { class: "row", onsubmit: run }, h("label", {}, "NORAD ids ", norads), h("label", {}, "Hours ", hours), h("button", { type: "submit", id: "analysis-run" }, "Run analysis")),
    status, result,
    h("h2", {}, "Maneuver detection"),
    h("form", { class: "row", onsubmit: detect }, h("label", {}, "NORAD id ", mNorad), h("label", {}, "From ", mStart), h("label", {}, "to ", mEnd),
      h("button", { type: "submit", id: "maneuver-run" }, "Detect")),
    mStatus, plots);
  return { root, show: draw };
}
