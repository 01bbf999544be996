// The case page's diagram: bpmn-js NavigatedViewer (global BpmnJS from the vendor bundle).
// - opens readable: fitted to the width when that keeps the labels legible, else at a readable zoom
//   centred on where the case is now (the whole drawing is one button or the 0 key away);
// - the box is as tall as the drawing needs at that zoom, never taller than most of the window;
// - zoom buttons (+, −, whole diagram) and the keys + − 0 while the drawing has focus;
// - each element's state from the server by colour, line pattern and a text badge with a symbol.
const root = document.getElementById("case-viewer");
const statusRegion = document.getElementById("viewer-status");
const zoomLevel = document.getElementById("zoom-level");
const toolbar = document.querySelector(".diagram-toolbar");
const keysHelp = document.getElementById("diagram-keys");
const { states, waiting, texts } = JSON.parse(document.getElementById("case-viewer-data").textContent);

const SYMBOL = { completed: "✓", active: "▶", waiting: "◷", failed: "✗" };
const READABLE = 0.9; // labels (12px) stay about 11px on screen
const SMALLEST_FIT = 0.6; // fitting to the width below this makes the labels unreadable
const PAD = 24; // screen pixels around the drawing
const STEP = 1.25;
// the arrow keys show more of the drawing in their direction (the drawing moves the other way)
const MOVES = { ArrowRight: { dx: -80, dy: 0 }, ArrowLeft: { dx: 80, dy: 0 }, ArrowDown: { dx: 0, dy: -80 },
  ArrowUp: { dx: 0, dy: 80 } };

function stateOf(id) {
  const state = states[id];
  return state === "active" && waiting.includes(id) ? "waiting" : state;
}

function announceZoom(canvas) {
  const percent = Math.round(canvas.zoom() * 100);
  root.dataset.zoom = String(canvas.zoom());
  zoomLevel.textContent = root.dataset.zoomText.replace("{percent}", String(percent));
}

function focusElement(registry) {
  // where the case is now: a failed step, else the innermost active step, else the last done one
  const order = ["failed", "active", "waiting"];
  for (const wanted of order) {
    const found = Object.keys(states)
      .filter((id) => stateOf(id) === wanted)
      .map((id) => registry.get(id))
      .filter((el) => el && !(el.businessObject && el.businessObject.$type === "bpmn:SubProcess" && !el.collapsed));
    if (found.length) return found.sort((a, b) => a.x - b.x)[0];
  }
  const done = Object.keys(states).map((id) => registry.get(id)).filter((el) => el && el.width < 400);
  return done.sort((a, b) => b.x - a.x)[0] || null;
}

function setHeight(px) {
  const most = Math.max(320, Math.round(window.innerHeight * 0.7));
  root.style.height = `${Math.min(most, Math.max(320, Math.round(px)))}px`;
}

function firstView(canvas, registry) {
  const inner = canvas.viewbox().inner;
  const width = root.clientWidth;
  const fit = Math.min(1, (width - 2 * PAD) / inner.width);
  if (fit >= SMALLEST_FIT) {
    setHeight(inner.height * fit + 2 * PAD);
    canvas.resized();
    canvas.zoom(fit);
    canvas.viewbox({ x: inner.x - PAD / fit, y: inner.y - PAD / fit,
      width: width / fit, height: root.clientHeight / fit });
    root.dataset.view = "width";
    return;
  }
  setHeight(inner.height * READABLE + 2 * PAD);
  canvas.resized();
  const target = focusElement(registry);
  const viewWidth = width / READABLE;
  const viewHeight = root.clientHeight / READABLE;
  let x = inner.x - PAD / READABLE;
  let y = inner.y - PAD / READABLE;
  if (target) {
    x = Math.max(x, target.x + target.width / 2 - viewWidth / 3);
    if (inner.height * READABLE + 2 * PAD > root.clientHeight) {
      y = Math.max(y, target.y + target.height / 2 - viewHeight / 2);
    }
  }
  canvas.viewbox({ x, y, width: viewWidth, height: viewHeight });
  root.dataset.view = "readable";
}

function zoomBy(canvas, factor) {
  const box = canvas.viewbox();
  const next = Math.max(0.05, Math.min(4, canvas.zoom() * factor));
  canvas.zoom(next, { x: box.outer.width / 2, y: box.outer.height / 2 });
  announceZoom(canvas);
}

function fitWhole(canvas) {
  canvas.zoom("fit-viewport", "auto");
  announceZoom(canvas);
}

function mark(viewer) {
  const canvas = viewer.get("canvas");
  const registry = viewer.get("elementRegistry");
  const overlays = viewer.get("overlays");
  for (const id of Object.keys(states)) {
    const element = registry.get(id);
    if (!element) continue;
    const state = stateOf(id);
    canvas.addMarker(id, `iop-state-${states[id]}`);
    if (state === "waiting") canvas.addMarker(id, "iop-state-waiting");
    // an expanded subprocess gets the outline only, so the steps inside stay readable
    const container = element.businessObject && element.businessObject.$type === "bpmn:SubProcess" && !element.collapsed;
    if (container) canvas.addMarker(id, "iop-container");
    const type = (element.businessObject && element.businessObject.$type) || "";
    if (type.endsWith("Gateway")) continue; // a decision has no state worth a badge; its frame shows it
    const badge = document.createElement("div");
    badge.className = `iop-state-badge ${state}`;
    badge.dataset.elementId = id;
    badge.textContent = `${SYMBOL[state] || ""} ${texts[state]}`.trim();
    // events carry their name below them: their badge goes above
    const position = container ? { top: 4, right: 90 } : type.endsWith("Event") ? { top: -20, left: -10 }
      : { bottom: 4, left: -4 };
    overlays.add(id, "iop-state", { position, scale: { min: 0.6, max: 1.2 }, show: { minZoom: 0.4 }, html: badge });
  }
}

async function show() {
  root.hidden = false; // without JavaScript the box stays hidden and the text list stands alone
  const viewer = new window.BpmnJS({ container: root });
  window.iopCaseViewer = viewer;
  try {
    const response = await fetch(root.dataset.diagramUrl, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    await viewer.importXML(await response.text());
  } catch (error) {
    statusRegion.textContent = texts.load_failed;
    return;
  }
  const canvas = viewer.get("canvas");
  // the drawing is focusable (bpmn-js: arrow keys move it): a named image inside the labelled group
  const drawing = root.querySelector(".djs-container > svg");
  if (drawing) {
    drawing.setAttribute("role", "img");
    drawing.setAttribute("aria-label", root.dataset.canvasLabel);
    if (!drawing.hasAttribute("tabindex")) drawing.setAttribute("tabindex", "0");
  }
  mark(viewer);
  firstView(canvas, viewer.get("elementRegistry"));
  announceZoom(canvas);
  toolbar.hidden = false;
  keysHelp.hidden = false;
  toolbar.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-zoom]");
    if (!button) return;
    const action = button.dataset.zoom;
    if (action === "in") zoomBy(canvas, STEP);
    else if (action === "out") zoomBy(canvas, 1 / STEP);
    else fitWhole(canvas);
  });
  root.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "+" || event.key === "=" || event.code === "NumpadAdd") zoomBy(canvas, STEP);
    else if (event.key === "-" || event.key === "−" || event.code === "NumpadSubtract") zoomBy(canvas, 1 / STEP);
    else if (event.key === "0" || event.code === "Numpad0") fitWhole(canvas);
    else if (MOVES[event.key]) canvas.scroll(MOVES[event.key]);
    else return;
    event.preventDefault();
  });
  root.dataset.ready = "true";
  statusRegion.textContent = texts.loaded;
}

show();
