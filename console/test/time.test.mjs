import assert from "node:assert/strict";
import { test } from "node:test";
import { ageText, ticks, timeToX, wholeMinutesInside } from "../src/lib/time.js";

test("times map linearly onto the track and are clamped to it", () => {
  assert.equal(timeToX(150, 100, 200, 1000), 500);
  assert.equal(timeToX(50, 100, 200, 1000), 0);
  assert.equal(timeToX(250, 100, 200, 1000), 1000);
  assert.throws(() => timeToX(1, 5, 5, 10));
});

test("ticks are aligned to the step", () => {
  assert.deepEqual(ticks(3, 25, 10), [10, 20]);
});

test("ages read as seconds, minutes, hours or days", () => {
  assert.equal(ageText(1200), "1 s");
  assert.equal(ageText(5 * 60000), "5 min");
  assert.equal(ageText(3 * 3600000), "3.0 h");
  assert.equal(ageText(230 * 86400000), "230 days");
  assert.equal(ageText(null), "never");
});

test("a Space Go window is the whole minutes inside the pass", () => {
  assert.deepEqual(wholeMinutesInside("2026-12-02T08:35:53.165Z", "2026-12-02T08:38:00.836Z"),
    { start: "2026-12-02T08:36Z", end: "2026-12-02T08:38Z" });
  assert.equal(wholeMinutesInside("2026-12-02T08:35:10Z", "2026-12-02T08:35:50Z"), null);
});
