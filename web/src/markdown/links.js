// Links in message text: only http(s) URLs become links, opened in a new tab without an opener or referrer.
// A masked link ([text](url)) whose text is not its URL asks first where it leads.
import { h } from '../dom.js';

/** The URL to follow when url is an absolute http(s) one, else null (javascript:, data:, relative...). */
export function linkUrl(url) {
  if (typeof url !== 'string' || url.length > 4096) return null;
  try {
    const u = new URL(url);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname ? u.href : null;
  } catch {
    return null;
  }
}

/** Does a masked link's text say where it goes (it is the URL itself)? */
export function textIsUrl(text, href) {
  const t = text.trim();
  return t === href || linkUrl(t) === href;
}

export function openLink(href) {
  window.open(href, '_blank', 'noopener,noreferrer');
}

/** The "You are leaving for <host>" dialog: Visit site opens href, Cancel (or Escape) does not. */
export function confirmLeaving(href) {
  const host = new URL(href).host;
  const dlg = h(
    'dialog',
    { class: 'leaving', 'aria-label': `You are leaving for ${host}` },
    h(
      'form',
      { class: 'card', method: 'dialog' },
      h('h2', {}, 'You are leaving for ', h('strong', {}, host)),
      h('p', {}, 'This link goes to:'),
      h('p', { class: 'leaving-url' }, href),
      h(
        'div',
        { class: 'dialog-buttons' },
        h('button', { type: 'submit', value: 'cancel' }, 'Cancel'),
        h('button', { type: 'submit', value: 'visit', class: 'primary' }, 'Visit site'),
      ),
    ),
  );
  dlg.addEventListener('close', () => {
    if (dlg.returnValue === 'visit') openLink(href);
    dlg.remove();
  });
  document.body.append(dlg);
  dlg.showModal();
  dlg.querySelector('button[value=cancel]').focus();
  return dlg;
}
