// The console's only way to the platform: the public HTTP APIs, with the caller's own bearer token.
// Two credentials may be held at once: an SSA account's login token (scope `ssa`: analyses) and an operations
// token (an OAuth client's access token, an API token or a JWT: passes, bookings, contacts, stations).

const STORE = "groundlink.console.credentials";

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

/** The human-readable message of an error body in any surface's format: orbapi {error}, SSA {detail} (a string
 * or a validation list), Space Go problem+json {title, detail}, OAuth {error, error_description}. */
export function errorMessage(status, body) {
  if (body && typeof body === "object") {
    if (typeof body.error_description === "string") return body.error_description;
    if (typeof body.error === "string") return body.error;
    if (typeof body.detail === "string") return body.detail;
    if (Array.isArray(body.detail)) return body.detail.map((d) => `${(d.loc || []).join(".")}: ${d.msg}`).join("; ");
    if (typeof body.message === "string") return body.message;
    if (typeof body.title === "string") return body.title;
  }
  if (typeof body === "string" && body) return body.slice(0, 300);
  return `HTTP ${status}`;
}

export class Api {
  constructor(base = "", storage = globalThis.sessionStorage) {
    this.base = base.replace(/\/$/, "");
    this.storage = storage;
    this.credentials = JSON.parse(storage?.getItem(STORE) || "{}");
  }

  get signedIn() {
    return Boolean(this.credentials.ssa || this.credentials.ops);
  }

  save() {
    this.storage?.setItem(STORE, JSON.stringify(this.credentials));
  }

  /** SSA routes (/v1/…) prefer the account's login token; every other API prefers the operations token. */
  tokenFor(path) {
    const { ssa, ops } = this.credentials;
    const order = path.startsWith("/v1/") ? [ssa, ops] : [ops, ssa];
    return order.find(Boolean)?.token;
  }

  async request(method, path, { json, form, auth = true, headers = {} } = {}) {
    const init = { method, headers: { Accept: "application/json", ...headers } };
    if (json !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(json);
    } else if (form !== undefined) {
      init.headers["Content-Type"] = "application/x-www-form-urlencoded";
      init.body = new URLSearchParams(form).toString();
    }
    const token = auth ? this.tokenFor(path) : undefined;
    if (token) init.headers.Authorization = `Bearer ${token}`;
    const resp = await fetch(this.base + path, init);
    const text = await resp.text();
    let body = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: kept as text */
    }
    if (!resp.ok) throw new ApiError(resp.status, errorMessage(resp.status, body), body);
    return body;
  }

  get(path) {
    return this.request("GET", path);
  }

  post(path, json, headers) {
    return this.request("POST", path, { json, headers });
  }

  delete(path) {
    return this.request("DELETE", path);
  }

  async signInAccount(email, password) {
    const body = await this.request("POST", "/auth/login", { json: { email, password }, auth: false });
    this.credentials.ssa = { token: body.access_token, label: `SSA account ${body.user?.email || email}` };
    this.save();
    return this.credentials.ssa;
  }

  async signInClient(clientId, clientSecret, scope) {
    const form = { grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret };
    if (scope) form.scope = scope;
    const body = await this.request("POST", "/oauth2/token", { form, auth: false });
    this.credentials.ops = { token: body.access_token, label: `OAuth client ${clientId}`, scope: body.scope };
    this.save();
    return this.credentials.ops;
  }

  signInToken(token) {
    const t = token.trim();
    const kind = t.startsWith("dsn_live_") ? "API token" : "JWT";
    this.credentials.ops = { token: t, label: `${kind} …${t.slice(-6)}` };
    this.save();
    return this.credentials.ops;
  }

  signOut() {
    this.credentials = {};
    this.save();
  }
}
