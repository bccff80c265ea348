// The world map: Natural Earth 110 m coastlines (public domain, from the world-atlas package at build time) on
// an equirectangular projection, with a 30° graticule.

import { s } from "./dom.js";
import { mapPath, project } from "./lib/geo.js";

export const MAP_W = 720;
export const MAP_H = 360;

let coastline = null;

export async function loadCoastline(url = "coastline.json") {
  if (!coastline) {
    const resp = await fetch(url);
    coastline = resp.ok ? await resp.json() : [];
  }
  return coastline;
}

export function worldMap(label) {
  const svg = s("svg", { viewBox: `0 0 ${MAP_W} ${MAP_H}`, class: "map", role: "img", "aria-label": label });
  svg.append(s("rect", { x: 0, y: 0, width: MAP_W, height: MAP_H, class: "sea" }));
  const grid = [];
  for (let lon = -150; lon <= 150; lon += 30) grid.push(`M${project(lon, 0, MAP_W, MAP_H).x} 0 V${MAP_H}`);
  for (let lat = -60; lat <= 60; lat += 30) grid.push(`M0 ${project(0, lat, MAP_W, MAP_H).y} H${MAP_W}`);
  svg.append(s("path", { d: grid.join(" "), class: "graticule" }));
  svg.append(s("path", { d: (coastline || []).map((ring) => mapPath(ring, MAP_W, MAP_H)).join(" "), class: "coast" }));
  return svg;
}

/** A dot with a label at (lon, lat); extra attributes go on the dot's group. */
export function mapDot(lon, lat, text, attrs = {}) {
  const { x, y } = project(lon, lat, MAP_W, MAP_H);
  return s("g", attrs,
    s("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: 5 }),
    text ? s("text", { x: (x + 7).toFixed(1), y: (y + 4).toFixed(1) }, text) : null);
}

/** Map x/y (viewBox units) of a mouse event on the map → [lon, lat]. */
export function eventLonLat(svg, event) {
  const box = svg.getBoundingClientRect();
  const x = ((event.clientX - box.left) / box.width) * MAP_W;
  const y = ((event.clientY - box.top) / box.height) * MAP_H;
  return [Math.round(((x / MAP_W) * 360 - 180) * 100) / 100, Math.round((90 - (y / MAP_H) * 180) * 100) / 100];
}
