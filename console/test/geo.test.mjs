import assert from "node:assert/strict";
import { test } from "node:test";
import { altitudeFromTle, mapPath, project, splitAntimeridian, subSatellitePoint, wrapLongitude } from "../src/lib/geo.js";

const close = (a, b, eps = 1e-6) => assert.ok(Math.abs(a - b) < eps, `${a} != ${b}`);

test("longitudes wrap into [-180, 180]", () => {
  close(wrapLongitude(190), -170);
  close(wrapLongitude(-190), 170);
  close(wrapLongitude(540), 180);
  close(wrapLongitude(12.5), 12.5);
});

test("the equirectangular projection puts (0, 0) in the middle and (-180, 90) top left", () => {
  assert.deepEqual(project(0, 0, 360, 180), { x: 180, y: 90 });
  assert.deepEqual(project(-180, 90, 720, 360), { x: 0, y: 0 });
  assert.deepEqual(project(180, -90, 720, 360), { x: 720, y: 360 });
});

test("a track crossing the antimeridian eastwards is split at +180 / -180 with the interpolated latitude", () => {
  const segs = splitAntimeridian([[170, 0], [178, 10], [-178, 20], [-170, 30]]);
  assert.equal(segs.length, 2);
  assert.deepEqual(segs[0].slice(0, 2), [[170, 0], [178, 10]]);
  assert.deepEqual(segs[0][2], [180, 15]);
  assert.deepEqual(segs[1][0], [-180, 15]);
  assert.deepEqual(segs[1].slice(1), [[-178, 20], [-170, 30]]);
});

test("a westward crossing leaves at -180 and comes back at +180", () => {
  const segs = splitAntimeridian([[-175, -10], [175, -20]]);
  assert.equal(segs.length, 2);
  assert.deepEqual(segs[0][1], [-180, -15]);
  assert.deepEqual(segs[1], [[180, -15], [175, -20]]);
});

test("a track that never crosses stays one segment, and a track that crosses twice makes three", () => {
  assert.equal(splitAntimeridian([[-10, 0], [0, 5], [10, 10]]).length, 1);
  assert.equal(splitAntimeridian([[170, 0], [-170, 1], [-175, 2], [175, 3]]).length, 3);
  assert.deepEqual(splitAntimeridian([]), []);
});

test("points exactly on the antimeridian (a ring along it) give numbers, never NaN", () => {
  const segs = splitAntimeridian([[-180, -85], [180, -85], [170, -80]]);
  for (const seg of segs) for (const [lon, lat] of seg) assert.ok(Number.isFinite(lon) && Number.isFinite(lat), `${lon} ${lat}`);
  assert.ok(!mapPath([[-180, -85], [180, -85], [170, -80]], 360, 180).includes("NaN"));
});

test("the map path has one move per segment and no line across the map", () => {
  const d = mapPath([[170, 0], [-170, 0]], 360, 180);
  assert.equal(d.match(/M/g).length, 2);
  assert.equal(d, "M350.0 90.0 L360.0 90.0 M0.0 90.0 L10.0 90.0");
});

test("the altitude of the ISS from its mean motion is about 420 km", () => {
  const line2 = "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.50103472563537";
  const h = altitudeFromTle(line2);
  assert.ok(h > 400 && h < 440, `${h}`);
  assert.throws(() => altitudeFromTle("2 25544"));
});

test("the sub-satellite point is the station at the zenith and moves along the azimuth", () => {
  const z = subSatellitePoint(21.06, 67.89, 0, 90, 700);
  close(z.lon, 21.06); close(z.lat, 67.89);
  const north = subSatellitePoint(0, 0, 0, 0, 700);
  close(north.lon, 0);
  // horizon distance for 700 km: acos(R / (R + h)) ≈ 25.4°
  close(north.lat, Math.acos(6378.137 / 7078.137) * 180 / Math.PI);
  const east = subSatellitePoint(179, 0, 90, 0, 700);
  assert.ok(east.lon < -150, `${east.lon}`); // across the antimeridian, wrapped
});
