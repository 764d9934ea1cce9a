// A message's rich embeds as Discord draws them: the colour bar, author (icon, linked name), title (a link when
// it has a url), description, fields (inline ones side by side, three to a row), image, thumbnail, footer (icon,
// text) and timestamp. Everything is text nodes and checked links; nothing from the server is parsed as HTML.
import { renderContent } from '../content.js';
import { h } from '../dom.js';
import { fitBox, safeUrl } from '../media/cdn.js';

const str = (v, max) => (typeof v === 'string' && v ? v.slice(0, max) : null);

function link(url, text, cls) {
  const href = safeUrl(url);
  return href ? h('a', { href, class: cls, target: '_blank', rel: 'noopener noreferrer' }, text) : h('span', { class: cls }, text);
}

/** An embed's picture: its proxy (our server) when it has one, at its size scaled into the box. */
function picture(media, cls, maxW, maxH) {
  const src = media && (safeUrl(media.proxy_url) || safeUrl(media.url));
  if (!src) return null;
  const size = fitBox(Number(media.width), Number(media.height), maxW, maxH);
  return h('img', { class: cls, src, alt: '', width: size && size.width, height: size && size.height, loading: 'lazy', referrerpolicy: 'no-referrer' });
}

function author(a) {
  const name = a && str(a.name, 256);
  if (!name) return null;
  const icon = safeUrl(a.proxy_icon_url) || safeUrl(a.icon_url);
  return h('div', { class: 'embed-author' }, icon ? h('img', { class: 'embed-icon', src: icon, alt: '', referrerpolicy: 'no-referrer' }) : null, link(a.url, name, 'embed-author-name'));
}

function fields(store, list, guildId) {
  if (!Array.isArray(list) || !list.length) return null;
  return h(
    'div',
    { class: 'embed-fields' },
    list.slice(0, 25).map((f) =>
      h(
        'div',
        { class: `embed-field${f && f.inline ? ' inline' : ''}` },
        h('div', { class: 'embed-field-name' }, str(f && f.name, 256) || ''),
        h('div', { class: 'embed-field-value' }, renderContent(store, str(f && f.value, 1024) || '', guildId)),
      ),
    ),
  );
}

function footer(e) {
  const text = e.footer && str(e.footer.text, 2048);
  const when = e.timestamp && !Number.isNaN(Date.parse(e.timestamp)) ? new Date(e.timestamp) : null;
  if (!text && !when) return null;
  const icon = e.footer && (safeUrl(e.footer.proxy_icon_url) || safeUrl(e.footer.icon_url));
  return h(
    'div',
    { class: 'embed-footer' },
    icon ? h('img', { class: 'embed-icon', src: icon, alt: '', referrerpolicy: 'no-referrer' }) : null,
    text ? h('span', {}, text) : null,
    text && when ? h('span', { 'aria-hidden': 'true' }, ' • ') : null,
    when ? h('time', { datetime: when.toISOString() }, when.toLocaleString()) : null,
  );
}

function embedEl(store, e, guildId) {
  const title = str(e.title, 256);
  const description = str(e.description, 4096);
  const thumb = e.type !== 'image' ? picture(e.thumbnail, 'embed-thumbnail', 80, 80) : null;
  const main = picture(e.image, 'embed-image', 400, 300) || (e.type === 'image' ? picture(e.thumbnail, 'embed-image', 400, 300) : null);
  const provider = e.provider && str(e.provider.name, 256);
  const el = h(
    'div',
    { class: 'embed', role: 'group', 'aria-label': title ? `Embed: ${title}` : 'Embed' },
    h(
      'div',
      { class: 'embed-body' },
      provider ? h('div', { class: 'embed-provider' }, link(e.provider.url, provider)) : null,
      author(e.author),
      title ? h('div', { class: 'embed-title' }, link(e.url, title)) : null,
      description ? h('div', { class: 'embed-description' }, renderContent(store, description, guildId)) : null,
      fields(store, e.fields, guildId),
      main,
      footer(e),
    ),
    thumb,
  );
  // The colour goes through a custom property (the CSP takes no style attributes; the CSSOM is allowed).
  if (Number.isInteger(e.color) && e.color >= 0 && e.color <= 0xffffff) el.style.setProperty('--embed-color', `#${e.color.toString(16).padStart(6, '0')}`);
  return el;
}

export function embedsEl({ store }, m, guildId) {
  if (!Array.isArray(m.embeds) || !m.embeds.length || (m.flags & 4) !== 0) return null; // SUPPRESS_EMBEDS
  return h(
    'div',
    { class: 'embeds' },
    m.embeds.slice(0, 10).map((e) => (e && typeof e === 'object' ? embedEl(store, e, guildId) : null)),
  );
}
