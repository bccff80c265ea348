// Sky-plot geometry: a polar azimuth/elevation plot, north up, east to the right (as seen from the station
// looking up), the horizon on the outer ring and the zenith at the centre.

const RAD = Math.PI / 180;

/** Radius of an elevation on a plot of outer radius `radius`: 0° → radius (horizon), 90° → 0 (zenith).
 * Elevations are clamped to [0, 90]. */
export function elevationRadius(elevationDeg, radius) {
  const el = Math.min(90, Math.max(0, elevationDeg));
  return (radius * (90 - el)) / 90;
}

/** Azimuth (degrees clockwise from north) and elevation (degrees) → SVG coordinates {x, y} on a plot centred
 * at (cx, cy) with outer radius `radius`. SVG's y grows downwards: north is (cx, cy - radius). */
export function azElToXY(azimuthDeg, elevationDeg, radius, cx = 0, cy = 0) {
  const r = elevationRadius(elevationDeg, radius);
  const a = azimuthDeg * RAD;
  return { x: cx + r * Math.sin(a), y: cy - r * Math.cos(a) };
}

/** An SVG path ("M x y L x y …") through a polar track [{azimuth, elevation}], coordinates rounded to 0.1. */
export function trackPath(track, radius, cx = 0, cy = 0) {
  return track
    .map((p, i) => {
      const { x, y } = azElToXY(p.azimuth, p.elevation, radius, cx, cy);
      return `${i ? "L" : "M"}${x.toFixed(1)} ${y.toFixed(1)}`;
    })
    .join(" ");
}

/** The three marked moments of a pass, from its own fields: AOS (first track point), culmination (the track
 * point of highest elevation) and LOS (last point). Empty when the track is empty. */
export function passMarks(track) {
  if (!track || track.length === 0) return [];
  let top = 0;
  track.forEach((p, i) => {
    if (p.elevation > track[top].elevation) top = i;
  });
  return [
    { label: "AOS", point: track[0] },
    { label: "MAX", point: track[top] },
    { label: "LOS", point: track[track.length - 1] },
  ];
}
