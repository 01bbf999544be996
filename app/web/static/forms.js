// Task forms, enhanced: rows added and removed in place, fields needed only for some answer hidden
// until that answer is given, focus on the error summary. Without this script the same page works
// through the server (the row buttons are submit buttons named __add / __remove; every field shows).

const ROW_INDEX = /__i__/g;
const ROW_NUMBER = /__n__/g;

function controlValue(form, name) {
  const control = form.elements.namedItem(name);
  if (!control) return '';
  if (control instanceof RadioNodeList) return control.value || '';
  if (control.type === 'radio') return control.checked ? control.value : '';
  return (control.value || '').trim();
}

// A field with data-when="<name>" (and data-when-value) shows only for that answer; its value is kept.
function updateConditions(form) {
  form.querySelectorAll('[data-when]').forEach((box) => {
    const value = controlValue(form, box.dataset.when);
    const wanted = box.dataset.whenValue;
    const show = wanted === undefined ? value !== '' : value === wanted;
    const hasError = box.classList.contains('has-error');
    box.hidden = !show && !hasError;
  });
}

function rowsOf(group) {
  return Array.from(group.querySelector('.row-list').children).filter((el) => el.dataset.row !== undefined);
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// Give a row a new number: its input names (`parties[2]` → `parties[1]`), ids, labels, legend, button.
function renumber(group, row, index) {
  const oldName = row.dataset.row;
  const newName = `${group.dataset.rows}[${index}]`;
  const oldId = row.id;
  const newId = `${group.id}-${index}`;
  if (oldName === newName) return;
  const nameRe = new RegExp(`^${escapeRegExp(oldName)}(?=\\[|$)`);
  const idRe = new RegExp(`(^|\\s)${escapeRegExp(oldId)}(?=-|\\s|$)`, 'g');
  const elements = [row, ...row.querySelectorAll('*')];
  elements.forEach((el) => {
    ['name', 'data-when', 'data-row', 'data-rows'].forEach((attr) => {
      if (el.hasAttribute(attr)) el.setAttribute(attr, el.getAttribute(attr).replace(nameRe, newName));
    });
    if (el.matches('button.remove-row, button.add-row')) el.value = el.value.replace(nameRe, newName);
    ['id', 'for', 'aria-describedby', 'aria-labelledby', 'aria-controls'].forEach((attr) => {
      if (el.hasAttribute(attr)) el.setAttribute(attr, el.getAttribute(attr).replace(idRe, `$1${newId}`));
    });
  });
  const number = String(index + 1);
  const legend = group.dataset.legend.replace(ROW_NUMBER, number);
  const own = row.querySelector(':scope > legend');
  if (own) own.textContent = legend;
  if (row.hasAttribute('aria-label')) {
    row.setAttribute('aria-label', legend);
    const label = row.querySelector('label');
    if (label) label.firstChild.textContent = legend;
  }
  const remove = row.querySelector(':scope > button.remove-row');
  if (remove) remove.textContent = group.dataset.remove.replace(ROW_NUMBER, number);
}

function refreshButtons(group) {
  const rows = rowsOf(group);
  const min = Number(group.dataset.min || 0);
  const max = group.dataset.max === undefined ? Infinity : Number(group.dataset.max);
  rows.forEach((row) => {
    const remove = row.querySelector(':scope > button.remove-row');
    if (remove) remove.hidden = rows.length <= min;
  });
  const add = group.querySelector(':scope > button.add-row');
  if (add) add.hidden = rows.length >= max;
  const full = group.querySelector(':scope > .max-rows');
  if (full) full.hidden = rows.length < max;
  const none = group.querySelector(':scope > .no-rows');
  if (none) none.hidden = rows.length > 0;
}

function announce(group, text) {
  const status = group.querySelector(':scope > [data-rows-status]');
  if (!status) return;
  status.textContent = '';
  window.setTimeout(() => { status.textContent = text; }, 50);
}

function addRow(form, group) {
  const template = group.querySelector(':scope > template.row-template');
  if (!template) return;
  const index = rowsOf(group).length;
  const html = template.innerHTML.replace(ROW_INDEX, String(index)).replace(ROW_NUMBER, String(index + 1));
  const holder = document.createElement('div');
  holder.innerHTML = html.trim();
  const row = holder.firstElementChild;
  group.querySelector('.row-list').appendChild(row);
  refreshButtons(group);
  updateConditions(form);
  const first = row.querySelector('input, select, textarea');
  if (first) first.focus();
  announce(group, group.dataset.added);
}

function removeRow(form, group, row) {
  const rows = rowsOf(group);
  const at = rows.indexOf(row);
  row.remove();
  rowsOf(group).forEach((other, i) => renumber(group, other, i));
  refreshButtons(group);
  updateConditions(form);
  const left = rowsOf(group);
  const next = left[Math.min(at, left.length - 1)];
  const focus = next ? next.querySelector('input, select, textarea') : group.querySelector(':scope > button.add-row');
  if (focus && !focus.hidden) focus.focus();
  announce(group, group.dataset.removed);
}

function enhance(form) {
  form.addEventListener('click', (event) => {
    const button = event.target.closest('button');
    if (!button || !form.contains(button)) return;
    if (button.matches('button.add-row')) {
      event.preventDefault();
      addRow(form, button.closest('fieldset.rows'));
    } else if (button.matches('button.remove-row')) {
      event.preventDefault();
      removeRow(form, button.closest('fieldset.rows'), button.closest('[data-row]'));
    }
  });
  form.addEventListener('change', () => updateConditions(form));
  form.addEventListener('input', () => updateConditions(form));
  form.querySelectorAll('fieldset.rows').forEach(refreshButtons);
  updateConditions(form);
}

document.querySelectorAll('form').forEach((form) => {
  if (form.querySelector('[data-rows], [data-when]')) enhance(form);
});

const summary = document.querySelector('.error-summary');
if (summary) summary.focus();
