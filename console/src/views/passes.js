// Passes: find a satellite, list its passes over chosen stations, draw the selected pass as a sky plot and a
// ground track, and book it through orbapi or Space Go.

import { ApiError } from "../api.js";
import { freshness, h, put, s, statusLine } from "../dom.js";
import { altitudeFromTle, mapPath, project, subSatellitePoint } from "../lib/geo.js";
import { azElToXY, passMarks, trackPath } from "../lib/skyplot.js";
import { utc, wholeMinutesInside } from "../lib/time.js";
import { MAP_H, MAP_W, mapDot, worldMap } from "../map.js";

const R = 140; // sky-plot radius
const C = 160; // sky-plot centre

export function skyPlot(pass, station) {
  const svg = s("svg", { viewBox: "0 0 320 320", class: "skyplot", role: "img",
    "aria-label": `Sky plot of the pass over ${station?.description || pass.groundStationId}` });
  for (const el of [0, 30, 60]) {
    const r = (R * (90 - el)) / 90;
    svg.append(s("circle", { cx: C, cy: C, r, class: "ring" }));
    svg.append(s("text", { x: C + 3, y: C - r + 12, class: "ring-label" }, `${el}°`));
  }
  svg.append(s("path", { d: `M${C - R} ${C} H${C + R} M${C} ${C - R} V${C + R}`, class: "ring" }));
  for (const [label, az] of [["N", 0], ["E", 90], ["S", 180], ["W", 270]]) {
    const p = azElToXY(az, -8, R + 12, C, C);
    svg.append(s("text", { x: p.x, y: p.y + 4, class: "compass", "text-anchor": "middle" }, label));
  }
  const mask = station?.minElevationDeg;
  if (typeof mask === "number") {
    svg.append(s("circle", { cx: C, cy: C, r: (R * (90 - mask)) / 90, class: "mask" },
      s("title", {}, `horizon mask ${mask}°`)));
  }
  const track = pass.polar_track || [];
  svg.append(s("path", { d: trackPath(track, R, C, C), class: "track" }));
  for (const p of track) {
    const { x, y } = azElToXY(p.azimuth, p.elevation, R, C, C);
    svg.append(s("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: 2.2, class: "track-point" },
      s("title", {}, `${utc(p.time)} az ${p.azimuth}° el ${p.elevation}°`)));
  }
  for (const { label, point } of passMarks(track)) {
    const { x, y } = azElToXY(point.azimuth, point.elevation, R, C, C);
    // the culmination is labelled with the pass's own maximum (between track samples), drawn at the highest sample
    const when = label === "MAX" && pass.max_elevation_time ? pass.max_elevation_time : point.time;
    svg.append(s("g", { class: `mark mark-${label.toLowerCase()}` },
      s("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: 5 }),
      s("text", { x: (x > C ? x - 7 : x + 7).toFixed(1), y: (y - 6).toFixed(1), class: "mark-label", "text-anchor": x > C ? "end" : "start" },
        `${label} ${utc(when).slice(11, 19)}${label === "MAX" && typeof pass.max_elevation === "number" ? ` ${pass.max_elevation.toFixed(0)}°` : ""}`)));
  }
  return svg;
}

export function groundTrack(pass, station, tle) {
  const svg = worldMap(`Ground track of the pass over ${station?.description || pass.groundStationId}`);
  if (!station) return svg;
  const altitude = altitudeFromTle(tle.line2);
  const points = (pass.polar_track || []).map((p) => {
    const sub = subSatellitePoint(station.longitude, station.latitude, p.azimuth, p.elevation, altitude);
    return [sub.lon, sub.lat];
  });
  svg.append(s("path", { d: mapPath(points, MAP_W, MAP_H), class: "ground-track" }));
  if (points.length) {
    for (const [label, [lon, lat]] of [["AOS", points[0]], ["LOS", points[points.length - 1]]]) {
      const { x, y } = project(lon, lat, MAP_W, MAP_H);
      svg.append(s("text", { x: x + 4, y: y - 4, class: "mark-label" }, label));
    }
  }
  svg.append(mapDot(station.longitude, station.latitude, station.description, { class: "station-dot" }));
  svg.append(s("text", { x: 8, y: MAP_H - 8, class: "map-note" },
    `sub-satellite points from the pass's az/el at ${altitude.toFixed(0)} km mean altitude`));
  return svg;
}

export function passesView(ctx) {
  const { api } = ctx;
  const status = statusLine();
  const query = h("input", { id: "sat-query", type: "search", placeholder: "name or NORAD id, e.g. NOAA 20 or 39444",
    "aria-label": "Satellite name or NORAD id" });
  const matches = h("div", { class: "matches", id: "sat-matches" });
  const stationBox = h("fieldset", { class: "stations-pick" }, h("legend", {}, "Stations"));
  const stationSummary = h("summary", {}, "Stations");
  const days = h("input", { id: "pass-days", type: "number", min: 1, max: 14, value: 2, "aria-label": "Days" });
  const minEl = h("input", { id: "pass-min-el", type: "number", min: 0, max: 90, value: 10, "aria-label": "Minimum elevation" });
  const searchBtn = h("button", { id: "pass-search", type: "submit", disabled: true }, "Search passes");
  const fresh = h("div", { id: "pass-freshness" });
  const list = h("div", { id: "pass-list", class: "pass-list" });
  const detail = h("div", { id: "pass-detail", class: "pass-detail" });
  let satellite = null;
  let result = null;

  async function loadStations() {
    const stations = await ctx.stations();
    const count = () => {
      stationSummary.textContent = `Stations: ${stationBox.querySelectorAll(".station-check:checked").length} of ${stations.length} selected`;
    };
    put(stationBox, h("legend", {}, "Stations"), ...stations.map((st) =>
      h("label", {}, h("input", { type: "checkbox", value: st.id, checked: true, class: "station-check", onchange: count }),
        ` ${st.id} ${st.description}`)));
    count();
  }

  async function find(event) {
    event?.preventDefault();
    const q = query.value.trim();
    if (!q) return;
    status.say(`Looking for ${q}…`);
    try {
      const path = /^\d+$/.test(q) ? `/orbapi/satellites/id/${q}` : `/orbapi/satellites/name/${encodeURIComponent(q)}`;
      const body = await api.get(path);
      const sats = body.data || [];
      put(matches, ...sats.map((sat) => h("button", { type: "button", class: "sat-match", "data-norad": sat.norad_cat_id,
        onclick: () => choose(sat) }, `${sat.name} (${sat.norad_cat_id})`)));
      status.say(sats.length ? `${sats.length} satellite(s) found: choose one` : `no satellite matches ${q}`, sats.length ? "ok" : "error");
      if (sats.length === 1) choose(sats[0]);
    } catch (err) {
      put(matches);
      status.say(err.message, "error");
    }
  }

  function choose(sat) {
    satellite = sat;
    for (const b of matches.querySelectorAll("button")) b.setAttribute("aria-pressed", String(b.dataset.norad === String(sat.norad_cat_id)));
    searchBtn.disabled = false;
    status.say(`${sat.name} (NORAD ${sat.norad_cat_id}) selected: choose stations and search its passes`, "ok");
  }

  async function search(event) {
    event.preventDefault();
    if (!satellite) return;
    const ids = [...stationBox.querySelectorAll(".station-check:checked")].map((c) => c.value);
    status.say(`Searching passes of ${satellite.name}…`);
    try {
      result = await api.post("/orbapi/passes/search", {
        noradId: satellite.norad_cat_id, days: Number(days.value), minElevationDeg: Number(minEl.value),
        ...(ids.length ? { groundStationIds: ids } : {}),
      });
      put(fresh, freshness(result.tleEpoch, result.tleAgeDays, result.tleWarning, true));
      renderList();
      put(detail);
      status.say(`${result.total} passes of ${result.satellite.name} over ${result.groundStations.length} station(s)`, "ok");
    } catch (err) {
      status.say(err.message, "error");
    }
  }

  function stationOf(id) {
    return result.groundStations.find((g) => g.id === id);
  }

  function renderList() {
    const rows = result.passes.map((p, i) => h("tr", { class: "pass-row", "data-index": i },
      h("td", {}, h("button", { type: "button", class: "pass-open", onclick: () => open(i) }, utc(p.aos).slice(5))),
      h("td", {}, stationOf(p.groundStationId)?.description || p.groundStationId),
      h("td", { class: "num" }, `${p.max_elevation.toFixed(1)}°`),
      h("td", { class: "num" }, `${Math.round(p.duration_s / 60)} min`),
      h("td", {}, utc(p.los).slice(11))));
    put(list, h("table", {}, h("caption", {}, `Passes of ${result.satellite.name} (NORAD ${result.satellite.noradId})`),
      h("thead", {}, h("tr", {}, ...["AOS (UTC, mm-dd)", "Station", "Max el", "Length", "LOS"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, ...rows)));
  }

  function open(i) {
    const pass = result.passes[i];
    const station = stationOf(pass.groundStationId);
    for (const tr of list.querySelectorAll("tr.pass-row")) tr.classList.toggle("selected", tr.dataset.index === String(i));
    const apiPick = h("select", { id: "book-api", "aria-label": "Booking API" },
      h("option", { value: "orbapi" }, "orbapi (booking)"), h("option", { value: "spacego" }, "Space Go (contact)"));
    const answer = h("div", { id: "book-answer", class: "answer", role: "status", "aria-live": "polite" });
    const book = h("button", { id: "book-pass", type: "button", onclick: () => bookPass(pass, apiPick.value, answer) }, "Book this pass");
    put(detail,
      h("h3", {}, `${result.satellite.name} over ${station?.description || pass.groundStationId}`),
      h("p", { class: "pass-facts" }, `AOS ${utc(pass.aos)} at ${pass.aos_azimuth}° · max ${pass.max_elevation}° at ${utc(pass.max_elevation_time).slice(11)} · LOS ${utc(pass.los)} at ${pass.los_azimuth}° · ${pass.polar_track.length} track points`),
      freshness(result.tleEpoch, result.tleAgeDays, result.tleWarning),
      h("div", { class: "plots" }, h("figure", {}, skyPlot(pass, station), h("figcaption", {}, "Sky plot (north up, zenith at the centre, dashed: the station's horizon mask)")),
        h("figure", { class: "wide" }, groundTrack(pass, station, result.satellite.tle), h("figcaption", {}, "Ground track during the pass"))),
      h("div", { class: "book" }, h("label", {}, "Book through ", apiPick), book, answer));
    book.focus();
  }

  async function bookPass(pass, which, answer) {
    answer.dataset.kind = "info";
    answer.textContent = "Booking…";
    try {
      if (which === "orbapi") {
        const body = await api.post("/orbapi/bookings", { norad_cat_id: result.satellite.noradId, type: "data",
          slots: [{ start: pass.aos, end: pass.los, gs_id: pass.groundStationId }] });
        put(answer, h("strong", {}, `Booked: booking ${body.bookingId} (${body.status})`),
          freshness(body.tleEpoch, body.tleAgeDays, body.tleWarning));
        answer.dataset.bookingId = body.bookingId;
      } else {
        const crafts = await api.get("/api/v1/spacecraft");
        const sc = crafts.find((c) => c.norad_id === result.satellite.noradId);
        if (!sc) throw new Error(`NORAD ${result.satellite.noradId} is not a Space Go spacecraft of this account (GET /api/v1/spacecraft)`);
        const service = sc.services?.contact?.[0];
        const window = wholeMinutesInside(pass.aos, pass.los);
        if (!window) throw new Error("the pass is shorter than one whole minute: Space Go contacts are minute-granular");
        const q = new URLSearchParams({ spacecraft_id: sc.spacecraft_id, site_id: pass.groundStationId,
          service_config_id: service, start: window.start.replace("Z", ":00Z"), end: window.end.replace("Z", ":00Z") });
        const avail = await api.get(`/api/v1/contacts/availability?${q}`);
        const body = await api.post("/api/v1/contacts", { spacecraft_id: sc.spacecraft_id, site_id: pass.groundStationId,
          start: window.start, end: window.end, service: { id: service } });
        put(answer, h("strong", {}, `Booked: contact ${body.contact_id} (${sc.spacecraft_id}, ${window.start} – ${window.end})`),
          h("p", {}, `availability was ${avail.availability_status}`),
          freshness(avail.tle_epoch, avail.tle_age_days, avail.tle_warning));
        answer.dataset.contactId = body.contact_id;
      }
      answer.dataset.kind = "ok";
    } catch (err) {
      const refused = err instanceof ApiError ? `Refused (HTTP ${err.status}): ` : "Not booked: ";
      put(answer, h("strong", {}, refused), err.message);
      answer.dataset.kind = "error";
    }
  }

  const root = h("section", { id: "view-passes", "aria-labelledby": "tab-passes" },
    h("form", { class: "row", onsubmit: find }, h("label", {}, "Satellite ", query), h("button", { type: "submit", id: "sat-find" }, "Find")),
    matches,
    h("form", { class: "search", onsubmit: search }, h("details", {}, stationSummary, stationBox),
      h("div", { class: "row" }, h("label", {}, "Days ", days), h("label", {}, "Min elevation ", minEl), searchBtn)),
    status, fresh, h("div", { class: "passes-layout" }, list, detail));
  return { root, show: () => loadStations().catch((err) => status.say(err.message, "error")) };
}
