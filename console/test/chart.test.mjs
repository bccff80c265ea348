import assert from "node:assert/strict";
import { test } from "node:test";
import { labelRows } from "../src/lib/chart.js";

test("burn labels far apart share the first row; close ones step down a row", () => {
  assert.deepEqual(labelRows([100, 300], 700), [{ row: 0, left: false }, { row: 0, left: false }]);
  // 0.61 m/s and 1.84 m/s two days apart on the ISS plot: 60 px, less than a label's width
  assert.deepEqual(labelRows([440, 500, 620], 700).map((r) => r.row), [0, 1, 0]);
  assert.deepEqual(labelRows([500, 440], 700).map((r) => r.row), [1, 0]);  // by position, whatever the order given
});

test("a label that would pass the plot's right edge is drawn left of its line", () => {
  assert.deepEqual(labelRows([650], 700), [{ row: 0, left: true }]);
  assert.deepEqual(labelRows([560, 650], 700), [{ row: 0, left: false }, { row: 1, left: true }]);
});

test("rows wrap after the last one", () => {
  assert.deepEqual(labelRows([10, 11, 12, 13, 14], 700, 80, 4).map((r) => r.row), [0, 1, 2, 3, 0]);
});
