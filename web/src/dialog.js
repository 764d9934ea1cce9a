// Labelled inputs and modal dialogs for the parts still built with h() from dom.js (components use
// ui/dialog.jsx, which has the same with a focus trap), and nextId() for both.
import { describeError } from './api.js';
import { h } from './dom.js';

let uid = 0;

/** A fresh element id starting with prefix. */
export function nextId(prefix) {
  return `${prefix}-${++uid}`;
}

export function field(label, name, { type = 'text', autocomplete, value = '', required = true, maxlength } = {}) {
  const id = nextId(`f-${name}`);
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    h('input', { id, name, type, autocomplete, value, required, maxlength }),
  );
}

/** Opens a modal dialog; onSubmit(formData) closes it when it resolves and shows its error when it throws.
 * Without onSubmit the dialog only has a Close button. */
export function dialog(title, body, { submitLabel, onSubmit }) {
  const error = h('p', { class: 'form-error', role: 'alert' });
  const dlg = h('dialog', { 'aria-label': title });
  const form = h(
    'form',
    { class: 'card' },
    h('h2', {}, title),
    body,
    error,
    h(
      'div',
      { class: 'dialog-buttons' },
      h('button', { type: 'button', onClick: () => dlg.close() }, onSubmit ? 'Cancel' : 'Close'),
      onSubmit ? h('button', { type: 'submit', class: 'primary' }, submitLabel) : null,
    ),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await onSubmit(new FormData(form));
      dlg.close();
    } catch (err) {
      error.textContent = describeError(err);
    }
  });
  dlg.append(form);
  dlg.addEventListener('close', () => dlg.remove());
  document.body.append(dlg);
  dlg.showModal();
  return dlg;
}
