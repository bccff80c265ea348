// Tiny DOM helpers: HTML and SVG elements from a tag, attributes and children (no inline styles: the CSP
// allows stylesheets from this origin only).

const SVG_NS = "http://www.w3.org/2000/svg";

function fill(node, attrs, children) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") node.addEventListener(k.slice(2), v);
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

export const h = (tag, attrs, ...children) => fill(document.createElement(tag), attrs, children);
export const s = (tag, attrs, ...children) => fill(document.createElementNS(SVG_NS, tag), attrs, children);

/** Replaces the children of `node`. */
export function put(node, ...children) {
  node.replaceChildren();
  return fill(node, {}, children);
}

/** A status line: `say(text, kind)` with kind "info", "ok" or "error"; polite for screen readers. */
export function statusLine() {
  const node = h("p", { class: "status", role: "status", "aria-live": "polite" });
  node.say = (text, kind = "info") => {
    node.textContent = text;
    node.dataset.kind = kind;
  };
  return node;
}

/** A freshness note for a prediction: the element set's epoch and age, and the platform's warning if any. */
export function freshness(epoch, ageDays, warning, compact = false) {
  if (epoch === undefined && ageDays === undefined) return h("p", { class: "freshness" }, "element set age: not given");
  const age = typeof ageDays === "number" ? `${ageDays.toFixed(1)} days old` : "age unknown";
  const note = !warning ? "" : compact ? h("span", { class: "warning", title: warning }, " ⚠ stale: predictions drift") : h("span", { class: "warning" }, ` ⚠ ${warning}`);
  return h("p", { class: `freshness${warning ? " stale" : ""}`, "data-age-days": ageDays, title: warning || null },
    h("strong", {}, "Element set: "), `epoch ${epoch} — ${age}`, note);
}
