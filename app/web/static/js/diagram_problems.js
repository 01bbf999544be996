// Validation problems shown twice: as a list (for everyone, screen readers included) and on the
// diagram itself, as a red marker plus a badge on each element a problem names.

const OVERLAY_TYPE = "iop-problem";
const MARKER = "iop-has-problem";

let marked = [];

export function setStatus(region, message, isError = false) {
  region.textContent = message || "";
  region.classList.toggle("is-error", Boolean(isError));
}

export function clearProblems(modeler, box) {
  const canvas = modeler.get("canvas");
  modeler.get("overlays").remove({ type: OVERLAY_TYPE });
  for (const id of marked) {
    if (modeler.get("elementRegistry").get(id)) canvas.removeMarker(id, MARKER);
  }
  marked = [];
  box.hidden = true;
  box.querySelector("ul").replaceChildren();
}

function where(problem, texts) {
  const parts = [];
  if (problem.file) parts.push(problem.file);
  if (problem.line) parts.push(texts.line.replace("{line}", String(problem.line)));
  if (problem.element_id) {
    const name = problem.element_name && problem.element_name !== problem.element_id
      ? `${problem.element_name} (${problem.element_id})` : problem.element_id;
    parts.push(texts.element.replace("{element}", name));
  }
  return parts.join(", ");
}

function showElement(modeler, element) {
  const canvas = modeler.get("canvas");
  canvas.scrollToElement(element);
  modeler.get("selection").select(element);
  if (typeof canvas.focus === "function") canvas.focus();
}

// `counted(forms, n)` words a text with a count (the badge's "{count} errors") in the page's language.
export function renderProblems(modeler, box, problems, texts, counted) {
  clearProblems(modeler, box);
  if (!problems.length) return;
  const registry = modeler.get("elementRegistry");
  const canvas = modeler.get("canvas");
  const overlays = modeler.get("overlays");
  const list = box.querySelector("ul");
  const perElement = new Map();

  for (const problem of problems) {
    const item = document.createElement("li");
    const place = where(problem, texts);
    const text = document.createElement("span");
    text.textContent = place ? `${place}: ${problem.message}` : problem.message;
    item.appendChild(text);
    const element = problem.element_id ? registry.get(problem.element_id) : null;
    if (element) {
      item.dataset.elementId = problem.element_id;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link-button show-element";
      button.textContent = texts.show;
      button.setAttribute("aria-label", `${texts.show}: ${problem.element_name || problem.element_id}`);
      button.addEventListener("click", () => showElement(modeler, element));
      item.append(" ", button);
      const messages = perElement.get(problem.element_id) || [];
      messages.push(problem.message);
      perElement.set(problem.element_id, messages);
    } else if (problem.element_id) {
      item.append(` (${texts.no_element})`);
    }
    list.appendChild(item);
  }

  for (const [id, messages] of perElement) {
    canvas.addMarker(id, MARKER);
    marked.push(id);
    const badge = document.createElement("div");
    badge.className = "iop-problem-badge";
    badge.dataset.elementId = id;
    badge.title = messages.join("\n");
    badge.textContent = counted(texts.problem_count, messages.length);
    overlays.add(id, OVERLAY_TYPE, { position: { top: -14, left: -6 }, scale: { min: 1 }, html: badge });
  }
  box.hidden = false;
}
