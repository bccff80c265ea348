// Layout of the time-series charts (the maneuver plot): where each burn's label goes.

/**
 * Rows for the labels of marks at x positions `xs` (px, any order) on a chart whose plot ends at `right` px: a label
 * `labelW` px wide starts just right of its line, or ends just left of it when it would pass `right`; a label that
 * would overlap one already placed goes to the next row down (at most `maxRows`, then back to the first).
 * Returns, per mark in the order given, { row, left } (left: the label is drawn left of the line).
 */
export function labelRows(xs, right, labelW = 80, maxRows = 4) {
  const order = xs.map((x, i) => i).sort((a, b) => xs[a] - xs[b]);
  const rowEnds = [];
  const out = new Array(xs.length);
  for (const i of order) {
    const left = xs[i] + labelW > right;
    const [from, to] = left ? [xs[i] - labelW, xs[i]] : [xs[i], xs[i] + labelW];
    let row = rowEnds.findIndex((end) => end < from);
    if (row < 0) row = rowEnds.push(to) - 1; else rowEnds[row] = to;
    out[i] = { row: row % maxRows, left };
  }
  return out;
}
