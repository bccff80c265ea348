import assert from "node:assert/strict";
import { test } from "node:test";
import { azElToXY, elevationRadius, passMarks, trackPath } from "../src/lib/skyplot.js";

const close = (a, b, eps = 1e-9) => assert.ok(Math.abs(a - b) < eps, `${a} != ${b}`);

test("the zenith is the centre and the horizon the outer ring", () => {
  assert.deepEqual(azElToXY(123, 90, 100, 150, 150), { x: 150, y: 150 });
  close(elevationRadius(0, 100), 100);
  close(elevationRadius(30, 90), 60);
  close(elevationRadius(-5, 100), 100); // below the horizon: on the ring
  close(elevationRadius(95, 100), 0);
});

test("north is up, east right, south down, west left (SVG y grows downwards)", () => {
  const n = azElToXY(0, 0, 100, 0, 0);
  const e = azElToXY(90, 0, 100, 0, 0);
  const s = azElToXY(180, 0, 100, 0, 0);
  const w = azElToXY(270, 0, 100, 0, 0);
  close(n.x, 0); close(n.y, -100);
  close(e.x, 100); close(e.y, 0);
  close(s.x, 0); close(s.y, 100);
  close(w.x, -100); close(w.y, 0);
});

test("a point at 45° azimuth and 45° elevation is halfway out on the diagonal", () => {
  const p = azElToXY(45, 45, 100, 10, 20);
  close(p.x, 10 + 50 * Math.SQRT1_2);
  close(p.y, 20 - 50 * Math.SQRT1_2);
});

test("the track path visits every point in order", () => {
  const d = trackPath([{ azimuth: 0, elevation: 0 }, { azimuth: 90, elevation: 90 }, { azimuth: 180, elevation: 0 }], 100, 100, 100);
  assert.equal(d, "M100.0 0.0 L100.0 100.0 L100.0 200.0");
});

test("AOS, culmination and LOS come from the track itself", () => {
  const track = [
    { azimuth: 10, elevation: 10, time: "a" },
    { azimuth: 50, elevation: 42, time: "b" },
    { azimuth: 90, elevation: 30, time: "c" },
    { azimuth: 120, elevation: 10, time: "d" },
  ];
  assert.deepEqual(passMarks(track).map((m) => [m.label, m.point.time]), [["AOS", "a"], ["MAX", "b"], ["LOS", "d"]]);
  assert.deepEqual(passMarks([]), []);
});
