// Schedule: one row per station, time across, the caller's reservations coloured by state; polled every
// 10 s while shown, with cancel where the API allows it.

import { h, put, s, statusLine } from "../dom.js";
import { ticks, timeToX, utc } from "../lib/time.js";
import { cancelReservation, loadReservations, stateClass } from "./reservations.js";

const LABEL_W = 220;
const TRACK_W = 900;
const ROW_H = 26;
const POLL_MS = 10000;

export function scheduleView(ctx) {
  const { api } = ctx;
  const status = statusLine();
  const span = h("select", { id: "schedule-span", "aria-label": "Time span", onchange: () => refresh() },
    ...[["0.25", "6 hours"], ["0.5", "12 hours"], ["1", "24 hours"], ["3", "3 days"], ["7", "7 days"], ["14", "14 days"]]
      .map(([v, t]) => h("option", { value: v, selected: v === "0.5" }, t)));
  const chart = h("div", { id: "timeline", class: "timeline" });
  const table = h("div", { id: "schedule-table" });
  const updated = h("span", { class: "updated" });
  let timer = null;
  let last = [];

  async function cancel(r) {
    status.say(`Cancelling ${r.api} ${r.id}…`);
    try {
      await cancelReservation(api, r);
      status.say(`${r.api === "orbapi" ? "Booking" : "Contact"} ${r.id} cancelled`, "ok");
    } catch (err) {
      status.say(`Cancel refused (HTTP ${err.status || "?"}): ${err.message}`, "error");
    }
    await refresh();
  }

  function render(stations, reservations) {
    const now = Date.now();
    const spanMs = Number(span.value) * 86400000;
    const start = now - spanMs / 8;
    const end = now + spanMs;
    const rows = stations.map((st) => st.id);
    const height = 30 + rows.length * ROW_H;
    const svg = s("svg", { viewBox: `0 0 ${LABEL_W + TRACK_W + 10} ${height}`, class: "timeline-svg", role: "group", "aria-label": "Reservations per station over time" });
    const hour = 3600000;
    const step = spanMs <= 6 * hour ? hour : spanMs <= 12 * hour ? 2 * hour : spanMs <= 24 * hour ? 3 * hour : spanMs <= 3 * 24 * hour ? 6 * hour : 24 * hour;
    for (const t of ticks(start, end, step)) {
      const x = LABEL_W + timeToX(t, start, end, TRACK_W);
      svg.append(s("line", { x1: x, x2: x, y1: 20, y2: height, class: "tick" }));
      svg.append(s("text", { x: x + 2, y: 14, class: "tick-label" }, utc(new Date(t).toISOString()).slice(5, 16)));
    }
    rows.forEach((id, i) => {
      const st = stations[i];
      const y = 24 + i * ROW_H;
      svg.append(s("rect", { x: 0, y, width: LABEL_W + TRACK_W, height: ROW_H - 2, class: i % 2 ? "row-band odd" : "row-band" }));
      svg.append(s("text", { x: 4, y: y + 16, class: "row-label" }, `${id} ${st.description}`.slice(0, 30)));
    });
    const nowX = LABEL_W + timeToX(now, start, end, TRACK_W);
    svg.append(s("line", { x1: nowX, x2: nowX, y1: 20, y2: height, class: "now" }));
    // cancelled reservations first, so that a live one in the same window is drawn over them
    const order = [...reservations].sort((a, b) => (stateClass(b.state) === "cancelled") - (stateClass(a.state) === "cancelled"));
    for (const r of order) {
      const row = rows.indexOf(r.station);
      if (row < 0 || r.end < start || r.start > end) continue;
      const x1 = LABEL_W + timeToX(r.start, start, end, TRACK_W);
      const x2 = LABEL_W + timeToX(r.end, start, end, TRACK_W);
      const label = `${r.api} ${r.id}: ${r.what} at station ${r.station}, ${utc(new Date(r.start).toISOString())} – ${utc(new Date(r.end).toISOString()).slice(11)}, ${r.state}`;
      const bar = s("rect", { x: x1.toFixed(1), y: 24 + row * ROW_H + 3, width: Math.max(4, x2 - x1).toFixed(1), height: ROW_H - 8,
        class: `res-bar state-${stateClass(r.state)}`, "data-key": r.key, "data-api": r.api, "data-id": r.id, "data-state": r.state,
        tabindex: 0, role: "button", "aria-label": label,
        onclick: () => document.getElementById(`res-${r.key}`)?.focus(),
        onkeydown: (e) => { if (e.key === "Enter") document.getElementById(`res-${r.key}`)?.focus(); } },
        s("title", {}, label));
      svg.append(bar);
    }
    put(chart, svg, h("p", { class: "legend" }, ...[["pending", "Pending"], ["confirmed", "Confirmed / CONFIRMED"], ["review", "Review / REVIEW"],
      ["inprogress", "InProgress / ONGOING"], ["awaitingreport", "AwaitingReport / POST_CONTACT"],
      ["completed", "Completed / SUCCESS"], ["failed", "Failed / FAIL"], ["cancelled", "Cancelled / CANCELLED"]]
      .map(([k, t]) => h("span", { class: `badge state-${k}` }, t))));
    const shown = reservations.filter((r) => r.end >= start);
    put(table, h("table", {}, h("caption", {}, "Your reservations (orbapi bookings and Space Go contacts)"),
      h("thead", {}, h("tr", {}, ...["API", "Id", "Station", "Start (UTC)", "End", "What", "State", ""].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, ...shown.map((r) => h("tr", { class: "res-row", "data-key": r.key, "data-state": r.state },
        h("td", {}, r.api), h("td", {}, String(r.id)), h("td", {}, r.station), h("td", {}, utc(new Date(r.start).toISOString())),
        h("td", {}, utc(new Date(r.end).toISOString()).slice(11)), h("td", {}, r.what),
        h("td", {}, h("span", { class: `badge state-${stateClass(r.state)}` }, r.state)),
        h("td", {}, r.cancellable ? h("button", { type: "button", id: `res-${r.key}`, class: "cancel", onclick: () => cancel(r) }, "Cancel")
          : h("span", { id: `res-${r.key}`, tabindex: -1 }, "—")))))));
  }

  async function refresh() {
    try {
      const stations = await ctx.stations();
      const { reservations, errors } = await loadReservations(api);
      last = reservations;
      render(stations, reservations);
      updated.textContent = `updated ${new Date().toISOString().slice(11, 19)}Z, every ${POLL_MS / 1000} s`;
      if (errors.length) status.say(errors.join("; "), "error");
    } catch (err) {
      status.say(err.message, "error");
    }
  }

  const root = h("section", { id: "view-schedule", "aria-labelledby": "tab-schedule" },
    h("div", { class: "row" }, h("label", {}, "Span ", span), h("button", { type: "button", onclick: () => refresh() }, "Refresh"), updated),
    status, chart, table);
  return {
    root,
    show: () => {
      refresh();
      clearInterval(timer);
      timer = setInterval(refresh, POLL_MS);
    },
    hide: () => clearInterval(timer),
    reservations: () => last,
  };
}
