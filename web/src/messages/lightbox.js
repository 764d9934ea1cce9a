// The lightbox: an image shown full size in a modal dialog. Escape, a click anywhere or the Close button closes
// it, and the focus goes back to what opened it.
import { h } from '../dom.js';

/** Opens url (named name) full size; opener gets the focus back when it closes. */
export function openLightbox(url, name, opener) {
  const close = h('button', { type: 'button', class: 'primary' }, 'Close');
  const img = h('img', { class: 'lightbox-img', src: url, alt: name });
  const dlg = h(
    'dialog',
    { class: 'lightbox', 'aria-label': `Image ${name}` },
    img,
    h(
      'div',
      { class: 'lightbox-bar' },
      h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, 'Open original'),
      close,
    ),
  );
  close.addEventListener('click', () => dlg.close());
  // A click on the image or on the backdrop (the dialog itself) closes it; the link keeps working.
  dlg.addEventListener('click', (e) => {
    if (e.target === dlg || e.target === img) dlg.close();
  });
  dlg.addEventListener('close', () => {
    dlg.remove();
    if (opener && opener.isConnected) opener.focus();
  });
  document.body.append(dlg);
  dlg.showModal();
  close.focus();
  return dlg;
}
