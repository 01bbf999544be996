// The case page's diagram: bpmn-js NavigatedViewer (global BpmnJS from the vendor bundle) with
// each element's state from the server marked by colour, line style and a text badge.
const root = document.getElementById("case-viewer");
const statusRegion = document.getElementById("viewer-status");
const { states, texts } = JSON.parse(document.getElementById("case-viewer-data").textContent);

const SYMBOL = { completed: "✓", active: "●", failed: "✗" };

async function show() {
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
  }
  const registry = viewer.get("elementRegistry");
  const overlays = viewer.get("overlays");
  canvas.zoom("fit-viewport");
  for (const [id, state] of Object.entries(states)) {
    const element = registry.get(id);
    if (!element) continue;
    canvas.addMarker(id, `iop-state-${state}`);
    // an expanded subprocess gets the outline only, so the steps inside stay readable
    if (element.businessObject && element.businessObject.$type === "bpmn:SubProcess" && !element.collapsed) {
      canvas.addMarker(id, "iop-container");
    }
    const badge = document.createElement("div");
    badge.className = `iop-state-badge ${state}`;
    badge.dataset.elementId = id;
    badge.textContent = `${SYMBOL[state] || ""} ${texts[state]}`.trim();
    overlays.add(id, "iop-state", { position: { bottom: 4, left: -4 }, scale: { min: 0.9 }, html: badge });
  }
  root.dataset.ready = "true";
  statusRegion.textContent = texts.loaded;
}

show();
