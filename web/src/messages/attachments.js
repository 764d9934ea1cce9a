// A message's attachments: images and videos inline at their natural aspect ratio (the width and height the
// server measured reserve the space before they load, scaled down to fit a box), images opening the lightbox,
// other files as download cards; spoilers (SPOILER_ names) blurred until clicked.
import { h } from '../dom.js';
import { fitBox, formatSize, safeUrl } from '../media/cdn.js';
import { openLightbox } from './lightbox.js';

const BOX = { width: 400, height: 300 };

export function attachmentKind(a) {
  const type = String(a.content_type || '').toLowerCase();
  if (/^image\/(png|jpeg|gif|webp|avif|bmp)/.test(type)) return 'image';
  if (/^video\/(mp4|webm|ogg|quicktime)/.test(type)) return 'video';
  if (!type && a.width && a.height && /\.(png|jpe?g|gif|webp)$/i.test(a.filename || '')) return 'image';
  return 'file';
}

const isSpoiler = (a) => a.spoiler === true || /^SPOILER_/.test(a.filename || '');

function sized(a) {
  return fitBox(Number(a.width), Number(a.height), BOX.width, BOX.height);
}

function imageEl(a, url, name) {
  const size = sized(a);
  const img = h('img', {
    src: url,
    alt: a.description || name,
    width: size && size.width,
    height: size && size.height,
    class: size ? 'media' : 'media unsized',
    loading: 'lazy',
    decoding: 'async',
  });
  const button = h('button', { type: 'button', class: 'media-button', 'aria-label': `Open image ${name}`, dataset: { key: `a:${a.id}` } }, img);
  button.addEventListener('click', () => openLightbox(url, name, button));
  return button;
}

function videoEl(a, url, name) {
  const size = sized(a);
  return h('video', {
    src: url,
    controls: true,
    preload: 'metadata',
    width: size && size.width,
    height: size && size.height,
    class: size ? 'media' : 'media unsized',
    'aria-label': `Video ${name}`,
  });
}

function fileCard(a, url, name) {
  return h(
    'div',
    { class: 'file-card' },
    h('span', { class: 'file-icon', 'aria-hidden': 'true' }, '📄'),
    h(
      'div',
      { class: 'file-info' },
      url ? h('a', { href: url, download: name, rel: 'noopener noreferrer', class: 'file-name' }, name) : h('span', { class: 'file-name' }, name),
      h('span', { class: 'file-size' }, formatSize(Number(a.size))),
    ),
  );
}

/** A spoiler: the media blurred behind a button that shows it (remembered in store.revealed). */
function spoiler(ctx, m, a, inner) {
  const { store } = ctx;
  if (store.revealed.has(a.id)) return h('div', { class: 'spoiler revealed' }, inner);
  inner.setAttribute('inert', '');
  return h(
    'div',
    { class: 'spoiler' },
    inner,
    h(
      'button',
      {
        type: 'button',
        class: 'spoiler-cover',
        dataset: { key: `s:${a.id}` },
        onClick: () => {
          store.revealed.add(a.id);
          store.emit('message', m);
        },
      },
      'Spoiler — show',
    ),
  );
}

export function attachmentsEl(ctx, m) {
  const list = Array.isArray(m.attachments) ? m.attachments : [];
  if (!list.length) return null;
  return h(
    'div',
    { class: 'attachments' },
    list.map((a) => {
      const url = safeUrl(a.url);
      const name = String(a.filename || 'file');
      const kind = url ? attachmentKind(a) : 'file';
      const inner = kind === 'image' ? imageEl(a, url, name) : kind === 'video' ? videoEl(a, url, name) : fileCard(a, url, name);
      return isSpoiler(a) ? spoiler(ctx, m, a, inner) : inner;
    }),
  );
}
