// The caller's reservations from both booking APIs, as one list: orbapi bookings (one entry per slot) and Space
// Go contacts (listed over a window from a day ago to the 14-day booking horizon).

const CANCELLABLE = new Set(["pending", "confirmed", "scheduled", "new", "onhold", "review"]);

export function stateClass(state) {
  return String(state || "unknown").toLowerCase().replace(/[^a-z_]/g, "");
}

export async function loadReservations(api, now = Date.now()) {
  const start = new Date(now - 86400000).toISOString().slice(0, 19) + "Z";
  const end = new Date(now + 15 * 86400000).toISOString().slice(0, 19) + "Z";
  const [bookings, contacts] = await Promise.allSettled([
    api.get("/orbapi/bookings"),
    api.get(`/api/v1/contacts?start=${start}&end=${end}`),
  ]);
  const out = [];
  const errors = [];
  if (bookings.status === "fulfilled") {
    for (const b of bookings.value.bookings || []) {
      for (const slot of b.slots || []) {
        const state = slot.status || b.status;
        out.push({ key: `orbapi-${b.bookingId}-${slot.id}`, api: "orbapi", id: b.bookingId, station: String(slot.gsId),
          start: Date.parse(slot.start), end: Date.parse(slot.end), state, what: `NORAD ${b.noradId} ${b.type}`,
          cancellable: CANCELLABLE.has(stateClass(b.status)) && Date.parse(slot.end) > now });
      }
    }
  } else errors.push(`orbapi bookings: ${bookings.reason.message}`);
  if (contacts.status === "fulfilled") {
    for (const c of contacts.value || []) {
      out.push({ key: `spacego-${c.id}`, api: "spacego", id: c.id, station: String(c.site_id), start: Date.parse(c.start),
        end: Date.parse(c.end), state: c.state, what: `${c.spacecraft_id} ${c.service?.id || ""}`.trim(),
        cancellable: CANCELLABLE.has(stateClass(c.state)) && Date.parse(c.end) > now });
    }
  } else errors.push(`Space Go contacts: ${contacts.reason.message}`);
  out.sort((a, b) => a.start - b.start);
  return { reservations: out, errors };
}

export async function cancelReservation(api, r) {
  if (r.api === "orbapi") return api.delete(`/orbapi/bookings/${r.id}`);
  return api.delete(`/api/v1/contacts/${r.id}`);
}
