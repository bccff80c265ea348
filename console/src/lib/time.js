// Time helpers for the timeline and the ages shown next to predictions.

/** x position of time `t` (ms) on a track of `width` px spanning [start, end] (ms), clamped to the track. */
export function timeToX(t, start, end, width) {
  if (end <= start) throw new Error("the time window is empty");
  return Math.min(width, Math.max(0, ((t - start) / (end - start)) * width));
}

/** Tick times (ms) every `stepMs` inside [start, end], aligned to multiples of the step. */
export function ticks(start, end, stepMs) {
  const out = [];
  for (let t = Math.ceil(start / stepMs) * stepMs; t <= end; t += stepMs) out.push(t);
  return out;
}

/** A duration in ms as a short human age: "45 s", "12 min", "3.5 h", "230 days". */
export function ageText(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "never";
  const s = ms / 1000;
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 48 * 3600) return `${(s / 3600).toFixed(1)} h`;
  return `${Math.round(s / 86400)} days`;
}

/** "2026-12-02 08:35:53Z" from an ISO timestamp (UTC, seconds). */
export function utc(iso) {
  return new Date(iso).toISOString().replace("T", " ").slice(0, 19) + "Z";
}

/** Minute-granular window inside [start, end]: start rounded up and end rounded down to whole minutes (Space Go
 * contacts are minute-granular and must lie inside the pass). Null when no whole minute fits. */
export function wholeMinutesInside(startIso, endIso) {
  const m = 60000;
  const s = Math.ceil(Date.parse(startIso) / m) * m;
  const e = Math.floor(Date.parse(endIso) / m) * m;
  return e > s ? { start: new Date(s).toISOString().slice(0, 16) + "Z", end: new Date(e).toISOString().slice(0, 16) + "Z" } : null;
}
