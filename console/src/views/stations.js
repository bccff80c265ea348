// Stations: a map of the ground stations coloured by their broker status, with last-seen age and each
// station's next reservations (the caller's own: the APIs show nobody else's).

import { h, put, s, statusLine } from "../dom.js";
import { ageText, utc } from "../lib/time.js";
import { mapDot, worldMap } from "../map.js";
import { loadReservations } from "./reservations.js";

export function stationsView(ctx) {
  const { api } = ctx;
  const status = statusLine();
  const map = h("div", { id: "station-map" });
  const table = h("div", { id: "station-table" });

  async function refresh() {
    status.say("Loading stations…");
    try {
      const stations = await ctx.stations();
      const states = await Promise.all(stations.map((st) => api.get(`/orbapi/gs/id/${st.id}/status`).catch((err) => ({ status: "unknown", error: err.message }))));
      const { reservations } = await loadReservations(api);
      const now = Date.now();
      const svg = worldMap("Ground stations by status");
      stations.forEach((st, i) => {
        const state = states[i].status || "unknown";
        svg.append(mapDot(st.longitude, st.latitude, st.id, { class: `station-dot status-${state}`, "data-station": st.id,
          "data-status": state }, ));
        svg.lastChild.append(s("title", {}, `${st.description}: ${state}`));
      });
      put(map, svg, h("p", { class: "legend" }, ...["online", "offline", "maintenance", "unknown"].map((k) => h("span", { class: `badge status-${k}` }, k))));
      const rows = stations.map((st, i) => {
        const next = reservations.filter((r) => r.station === st.id && r.end > now && r.state?.toLowerCase() !== "cancelled").slice(0, 3);
        const age = states[i].lastSeenAgeMs;
        return h("tr", { "data-station": st.id },
          h("td", {}, st.id), h("td", {}, st.description),
          h("td", {}, h("span", { class: `badge status-${states[i].status || "unknown"}` }, states[i].status || "unknown")),
          h("td", {}, age === null || age === undefined ? "never seen" : `${ageText(age)} ago`),
          h("td", {}, next.length ? h("ul", {}, ...next.map((r) => h("li", {}, `${utc(new Date(r.start).toISOString())} ${r.what} (${r.state})`))) : "none"));
      });
      put(table, h("table", {}, h("caption", {}, "Stations, their heartbeat and your next reservations"),
        h("thead", {}, h("tr", {}, ...["Id", "Station", "Status", "Last seen", "Next reservations"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, ...rows)));
      status.say(`${stations.length} stations`, "ok");
    } catch (err) {
      status.say(err.message, "error");
    }
  }

  const root = h("section", { id: "view-stations", "aria-labelledby": "tab-stations" },
    h("div", { class: "row" }, h("button", { type: "button", onclick: refresh }, "Refresh")), status, map, table);
  return { root, show: refresh };
}
