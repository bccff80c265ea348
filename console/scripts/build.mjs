// Builds the console into console/dist: the ES modules bundled by esbuild into app.js, the page and its
// stylesheet, and coastline.json — the Natural Earth 1:110m land outline (public domain), from the world-atlas
// package's TopoJSON, as [lon, lat] rings rounded to 0.01°. Everything is local: nothing is fetched at run time.

import { build } from "esbuild";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { feature } from "topojson-client";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const require = createRequire(import.meta.url);

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

await build({
  entryPoints: [join(root, "src/main.js")],
  bundle: true,
  format: "esm",
  target: "es2020",
  minify: true,
  legalComments: "none",
  outfile: join(dist, "app.js"),
  logLevel: "warning",
});
for (const f of ["index.html", "styles.css"]) copyFileSync(join(root, "src", f), join(dist, f));

const atlas = dirname(require.resolve("world-atlas/package.json"));
const topology = JSON.parse(readFileSync(join(atlas, "land-110m.json"), "utf8"));
const land = feature(topology, topology.objects.land);
const rings = [];
for (const f of land.type === "FeatureCollection" ? land.features : [land]) {
  const g = f.geometry;
  const polygons = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
  for (const polygon of polygons) {
    for (const ring of polygon) rings.push(ring.map(([lon, lat]) => [Math.round(lon * 100) / 100, Math.round(lat * 100) / 100]));
  }
}
writeFileSync(join(dist, "coastline.json"), JSON.stringify(rings));

const licence = readFileSync(join(atlas, "LICENSE"), "utf8");
writeFileSync(join(dist, "LICENCES.txt"), [
  "Map data: Natural Earth 1:110m land (public domain, https://www.naturalearthdata.com/about/terms-of-use/),",
  `as TopoJSON from the world-atlas package ${JSON.parse(readFileSync(join(atlas, "package.json"), "utf8")).version}, ISC licence:`,
  "",
  licence,
].join("\n"));
console.log(`console built into ${dist} (${rings.length} coastline rings)`);
