// The process modeller page: bpmn-js Modeler (global BpmnJS from the vendor bundle) with
// "Validate" and "Deploy" buttons that send the edited diagram to the page's JSON endpoints.
import { clearProblems, renderProblems, setStatus } from "./diagram_problems.js";

const root = document.getElementById("modeller");
const texts = JSON.parse(document.getElementById("modeller-texts").textContent);
const validateButton = document.getElementById("modeller-validate");
const deployButton = document.getElementById("modeller-deploy");
const statusRegion = document.getElementById("modeller-status");
const problemsBox = document.getElementById("modeller-problems");

const plurals = new Intl.PluralRules(texts.lang);
const modeler = new window.BpmnJS({ container: root });
// Tests and power users reach the diagram through the bpmn-js API.
window.iopModeler = modeler;

let busy = false;

function setBusy(value) {
  busy = value;
  validateButton.disabled = value;
  deployButton.disabled = value;
  root.setAttribute("aria-busy", value ? "true" : "false");
}

async function currentXml() {
  const { xml } = await modeler.saveXML({ format: true });
  return xml;
}

async function send(url) {
  const body = JSON.stringify({ file: root.dataset.file, bpmn: await currentXml() });
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": root.dataset.csrf, Accept: "application/json" },
    body,
  });
  let data = null;
  if ((response.headers.get("Content-Type") || "").includes("application/json")) {
    data = await response.json();
  }
  return { response, data };
}

// A text with a count: the server gives its forms by plural category ({one, other} in Swedish and English).
function counted(forms, count) {
  const form = forms[plurals.select(count)] || forms.other;
  return form.replace("{count}", String(count));
}

function showProblems(data) {
  const details = (data && data.details) || [];
  renderProblems(modeler, problemsBox, details, texts, counted);
  return details.length;
}

async function validate() {
  if (busy) return;
  setBusy(true);
  setStatus(statusRegion, texts.validating);
  try {
    const { response, data } = await send(root.dataset.validateUrl);
    if (!data) {
      setStatus(statusRegion, texts.failed, true);
      return;
    }
    const count = showProblems(data);
    if (response.ok && count === 0) {
      setStatus(statusRegion, texts.valid);
    } else {
      setStatus(statusRegion, counted(texts.invalid, count), true);
      problemsBox.focus();
    }
  } catch (error) {
    setStatus(statusRegion, texts.failed, true);
  } finally {
    setBusy(false);
  }
}

async function deploy() {
  if (busy) return;
  setBusy(true);
  setStatus(statusRegion, texts.deploying);
  try {
    const { response, data } = await send(root.dataset.deployUrl);
    if (!data) {
      setStatus(statusRegion, texts.failed, true);
      return;
    }
    if (response.status === 201) {
      clearProblems(modeler, problemsBox);
      setStatus(statusRegion, data.message);
      window.location.assign(data.list_url);
      return;
    }
    if (response.ok) {
      clearProblems(modeler, problemsBox);
      setStatus(statusRegion, data.message);
      return;
    }
    const count = showProblems(data);
    setStatus(statusRegion, counted(texts.refused, count), true);
    problemsBox.focus();
  } catch (error) {
    setStatus(statusRegion, texts.failed, true);
  } finally {
    if (!document.hidden) setBusy(false);
  }
}

async function load() {
  setStatus(statusRegion, texts.loading);
  try {
    const response = await fetch(root.dataset.diagramUrl, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    await modeler.importXML(await response.text());
    modeler.get("canvas").zoom("fit-viewport");
    validateButton.addEventListener("click", validate);
    deployButton.addEventListener("click", deploy);
    setBusy(false);
    root.dataset.ready = "true";
    setStatus(statusRegion, texts.loaded);
  } catch (error) {
    setStatus(statusRegion, `${texts.load_failed} ${error.message || ""}`.trim(), true);
  }
}

load();
