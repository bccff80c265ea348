// Map geometry: an equirectangular world map, ground tracks split where they cross the antimeridian, and the
// sub-satellite point seen from a station at a given azimuth/elevation.

const RAD = Math.PI / 180;
export const EARTH_RADIUS_KM = 6378.137;
const MU_KM3_S2 = 398600.4418;

/** Longitude wrapped into [-180, 180). */
export function wrapLongitude(lon) {
  const w = ((((lon + 180) % 360) + 360) % 360) - 180;
  return w === -180 && lon > 0 ? 180 : w;
}

/** (lon, lat) in degrees → {x, y} on a width × height equirectangular map (lon -180 at x 0, lat 90 at y 0). */
export function project(lon, lat, width, height) {
  return { x: ((lon + 180) / 360) * width, y: ((90 - lat) / 180) * height };
}

/** Splits a track [[lon, lat], …] into segments that never cross the antimeridian: where two consecutive points
 * are more than 180° of longitude apart, the track leaves the map at ±180 and re-enters on the other side, at the
 * latitude interpolated linearly between the two points. Each segment has at least one point. */
export function splitAntimeridian(points) {
  const segments = [];
  let current = [];
  for (let i = 0; i < points.length; i += 1) {
    const [lon, lat] = [wrapLongitude(points[i][0]), points[i][1]];
    if (current.length > 0) {
      const [plon, plat] = current[current.length - 1];
      const delta = lon - plon;
      if (Math.abs(delta) > 180) {
        const edge = delta < 0 ? 180 : -180; // leaving east (to +180) when the longitude jumps down
        const unwrapped = lon + (delta < 0 ? 360 : -360);
        const f = unwrapped === plon ? 0 : (edge - plon) / (unwrapped - plon); // both on the antimeridian
        const crossLat = plat + f * (lat - plat);
        current.push([edge, crossLat]);
        segments.push(current);
        current = [[-edge, crossLat]];
      }
    }
    current.push([lon, lat]);
  }
  if (current.length > 0) segments.push(current);
  return segments;
}

/** SVG path of a track on the map, one "M … L …" run per antimeridian-free segment. */
export function mapPath(points, width, height) {
  return splitAntimeridian(points)
    .map((seg) =>
      seg
        .map(([lon, lat], i) => {
          const { x, y } = project(lon, lat, width, height);
          return `${i ? "L" : "M"}${x.toFixed(1)} ${y.toFixed(1)}`;
        })
        .join(" "),
    )
    .join(" ");
}

/** Mean altitude (km above the equatorial radius) of the orbit a TLE's line 2 describes, from its mean motion
 * (revolutions per day, columns 53-63). */
export function altitudeFromTle(line2) {
  const revPerDay = Number.parseFloat(line2.slice(52, 63));
  if (!Number.isFinite(revPerDay) || revPerDay <= 0) throw new Error(`no mean motion in TLE line 2: ${line2}`);
  const n = (revPerDay * 2 * Math.PI) / 86400;
  return Math.cbrt(MU_KM3_S2 / (n * n)) - EARTH_RADIUS_KM;
}

/** The sub-satellite point {lon, lat} of a satellite at `altitudeKm` seen from (stationLon, stationLat) at
 * azimuth/elevation (degrees), on a spherical Earth: the Earth-central angle between the station and the
 * sub-satellite point is λ = acos(R cos(el) / (R + h)) − el, travelled from the station along the azimuth. */
export function subSatellitePoint(stationLon, stationLat, azimuthDeg, elevationDeg, altitudeKm) {
  const el = elevationDeg * RAD;
  const lambda = Math.acos((EARTH_RADIUS_KM * Math.cos(el)) / (EARTH_RADIUS_KM + altitudeKm)) - el;
  const phi1 = stationLat * RAD;
  const az = azimuthDeg * RAD;
  const phi2 = Math.asin(Math.sin(phi1) * Math.cos(lambda) + Math.cos(phi1) * Math.sin(lambda) * Math.cos(az));
  const dLon = Math.atan2(
    Math.sin(az) * Math.sin(lambda) * Math.cos(phi1),
    Math.cos(lambda) - Math.sin(phi1) * Math.sin(phi2),
  );
  return { lon: wrapLongitude(stationLon + dLon / RAD), lat: phi2 / RAD };
}
