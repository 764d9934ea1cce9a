// A labelled picture chooser for the settings dialogs: the current picture, a file input whose choice is
// previewed at once, and a box that removes the picture. Its value() is what to send: a data URI for a new
// picture, null to remove it, undefined to keep it.
import { nextId } from '../dialog.js';
import { h } from '../dom.js';
import { readDataUri } from '../media/cdn.js';

const TYPES = 'image/png,image/jpeg,image/gif,image/webp';

/** label: the input's name for people; current: the picture's URL now (null: none); cls: the preview's class. */
export function imageField(label, currentUrl, cls = 'avatar large') {
  const id = nextId('image');
  const input = h('input', { id, type: 'file', accept: TYPES });
  const removeId = nextId('remove');
  const remove = h('input', { id: removeId, type: 'checkbox' });
  const preview = currentUrl ? h('img', { class: cls, src: currentUrl, alt: `${label} now` }) : h('span', { class: `${cls} none`, 'aria-hidden': 'true' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  let chosen;

  input.addEventListener('change', async () => {
    error.textContent = '';
    chosen = undefined;
    const file = input.files && input.files[0];
    if (!file) return;
    if (!TYPES.split(',').includes(file.type)) {
      error.textContent = 'Choose a PNG, JPEG, GIF or WebP picture.';
      return;
    }
    chosen = readDataUri(file);
    const uri = await chosen;
    const img = h('img', { class: cls, src: uri, alt: `${label} chosen` });
    preview.replaceWith(img);
    remove.checked = false;
  });

  const el = h(
    'div',
    { class: 'field image-field' },
    h('label', { for: id }, label),
    h('div', { class: 'image-row' }, preview, input),
    currentUrl ? h('div', { class: 'check' }, remove, h('label', { for: removeId }, `Remove ${label.toLowerCase()}`)) : null,
    error,
  );
  return {
    el,
    async value() {
      if (remove.checked) return null;
      return chosen ? await chosen : undefined;
    },
  };
}
