// Above the message box: a chip per attached file (its thumbnail or icon, name and size, and a button that
// removes it), and while a message with files goes up, its progress bar and a Cancel button.
import { h, replaceChildren } from '../dom.js';
import { formatSize } from '../media/cdn.js';

function chip(actions, channelId, f) {
  return h(
    'li',
    { class: 'chip' },
    f.preview ? h('img', { class: 'chip-thumb', src: f.preview, alt: '' }) : h('span', { class: 'chip-icon', 'aria-hidden': 'true' }, '📄'),
    h('span', { class: 'chip-name', title: f.file.name }, f.file.name),
    h('span', { class: 'chip-size' }, formatSize(f.file.size)),
    h('button', { type: 'button', class: 'icon', 'aria-label': `Remove ${f.file.name}`, dataset: { key: `rm:${f.key}` }, onClick: () => actions.removeFile(channelId, f.key) }, '✕'),
  );
}

export function createAttachTray({ store, actions }) {
  const chips = h('ul', { class: 'chips', 'aria-label': 'Attached files' });
  const bar = h('progress', { max: 1, value: 0, 'aria-label': 'Upload progress' });
  const text = h('span', { class: 'upload-text' });
  const progress = h(
    'div',
    { class: 'upload', role: 'status', hidden: true },
    text,
    bar,
    h('button', { type: 'button', class: 'small', onClick: () => actions.cancelUpload() }, 'Cancel upload'),
  );

  const renderChips = () => {
    const cid = store.view.channelId;
    const list = (cid && store.drafts.get(cid)) || [];
    replaceChildren(chips, list.map((f) => chip(actions, cid, f)));
    chips.hidden = !list.length;
  };
  const renderProgress = () => {
    const u = store.upload;
    progress.hidden = !u || u.channelId !== store.view.channelId;
    if (!u) return;
    const part = u.total ? Math.min(1, u.loaded / u.total) : 0;
    bar.value = part;
    text.textContent = `Uploading ${u.names.length === 1 ? u.names[0] : `${u.names.length} files`} — ${Math.round(part * 100)}%`;
  };
  store.on('view', () => {
    renderChips();
    renderProgress();
  });
  store.on('draft', (cid) => cid === store.view.channelId && renderChips());
  store.on('upload', renderProgress);
  renderChips();
  return h('div', { class: 'attach-tray' }, chips, progress);
}
