// The Groundlink console: sign in, then four views over the public APIs.

import { Api } from "./api.js";
import { h, put, statusLine } from "./dom.js";
import { loadCoastline } from "./map.js";
import { analysesView } from "./views/analyses.js";
import { passesView } from "./views/passes.js";
import { scheduleView } from "./views/schedule.js";
import { stationsView } from "./views/stations.js";

async function apiBase() {
  // A deployment writes config.json next to the console ({"apiUrl": "https://…"}); locally the API is this origin.
  try {
    const resp = await fetch("config.json", { cache: "no-store" });
    if (resp.ok) return (await resp.json()).apiUrl || "";
  } catch {
    /* no configuration: same origin */
  }
  return "";
}

function signInView(api, onDone) {
  const status = statusLine();
  const field = (id, label, attrs = {}) => h("label", {}, label, h("input", { id, required: true, ...attrs }));
  const attempt = (fn) => async (event) => {
    event.preventDefault();
    const f = event.target;
    status.say("Signing in…");
    try {
      const who = await fn(f);
      status.say(`Signed in: ${who.label}`, "ok");
      onDone();
    } catch (err) {
      status.say(`Sign-in refused: ${err.message}`, "error");
    }
  };
  return h("section", { id: "signin", class: "signin" },
    h("h2", {}, "Sign in"),
    h("p", {}, "Use your SSA account (analyses), an OAuth client or an API token (passes, bookings, stations); you may add both."),
    h("div", { class: "signin-forms" },
      h("form", { id: "signin-account", onsubmit: attempt((f) => api.signInAccount(f.elements.email.value, f.elements.password.value)) },
        h("h3", {}, "SSA account"), field("email", "Email", { name: "email", type: "email", autocomplete: "username" }),
        field("password", "Password", { name: "password", type: "password", autocomplete: "current-password" }), h("button", { type: "submit" }, "Sign in")),
      h("form", { id: "signin-client", onsubmit: attempt((f) => api.signInClient(f.elements.client_id.value, f.elements.client_secret.value, f.elements.scope.value)) },
        h("h3", {}, "OAuth client"), field("client-id", "Client id", { name: "client_id" }),
        field("client-secret", "Client secret", { name: "client_secret", type: "password" }),
        h("label", {}, "Scope (optional)", h("input", { id: "client-scope", name: "scope" })), h("button", { type: "submit" }, "Sign in")),
      h("form", { id: "signin-token", onsubmit: attempt(async (f) => api.signInToken(f.elements.token.value)) },
        h("h3", {}, "API token or JWT"), h("label", {}, "Token", h("textarea", { id: "token", name: "token", required: true, rows: 3 })),
        h("button", { type: "submit" }, "Use token"))),
    status);
}

async function main() {
  const api = new Api(await apiBase());
  await loadCoastline();
  const app = document.getElementById("app");
  let stations = null;
  const ctx = {
    api,
    stations: async () => {
      if (!stations) stations = (await api.get("/orbapi/gs?limit=100")).data;
      return stations;
    },
  };
  const views = { passes: passesView(ctx), stations: stationsView(ctx), schedule: scheduleView(ctx), analyses: analysesView(ctx) };
  const labels = { passes: "Passes", stations: "Stations", schedule: "Schedule", analyses: "Analyses" };
  let current = null;

  function select(name) {
    if (current && views[current].hide) views[current].hide();
    current = name;
    for (const [k, v] of Object.entries(views)) {
      v.root.hidden = k !== name;
      document.getElementById(`tab-${k}`).setAttribute("aria-selected", String(k === name));
    }
    location.hash = name;
    views[name].show();
  }

  function render() {
    const who = Object.values(api.credentials).map((c) => c.label).join(" · ");
    const tabs = h("nav", { class: "tabs", role: "tablist", "aria-label": "Console views" },
      ...Object.entries(labels).map(([k, t]) => h("button", { type: "button", role: "tab", id: `tab-${k}`, "aria-controls": `view-${k}`, onclick: () => select(k) }, t)));
    const header = h("header", {}, h("h1", {}, "Groundlink console"), tabs,
      h("div", { class: "who" }, h("span", { id: "who" }, who), " ",
        h("button", { type: "button", id: "add-credential", onclick: () => { views[current]?.hide?.(); put(app, header, signInView(api, render)); } }, "Add sign-in"),
        h("button", { type: "button", id: "sign-out", onclick: () => { views[current]?.hide?.(); api.signOut(); render(); } }, "Sign out")));
    if (!api.signedIn) {
      put(app, h("header", {}, h("h1", {}, "Groundlink console")), signInView(api, render));
      return;
    }
    put(app, header, h("main", {}, ...Object.values(views).map((v) => v.root)));
    select(labels[location.hash.slice(1)] ? location.hash.slice(1) : "passes");
  }
  render();
}

main();
