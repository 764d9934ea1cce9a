// What reaches the user outside the open channel: desktop notifications (the browser's Notification API, once
// the user allowed them) for the messages their settings say should notify, when the tab is hidden or the
// message's channel is not open (clicking one opens that channel), and the document's title and icon: "(N)
// SimpleDiscord" and a dot for N unread mentions and DMs.
import { dmName, displayName } from '../store/model.js';
import { shouldNotify, totalBadge } from './settings.js';

const TITLE = 'SimpleDiscord';

function notificationTitle(store, m) {
  const author = displayName(store, m.author.id, m.guild_id);
  const c = store.channels.get(m.channel_id);
  if (!c || !c.guild_id) return c ? `${author} (${dmName(store, c)})` : author;
  const g = store.guilds.get(c.guild_id);
  return `${author} (#${c.name}${g ? `, ${g.guild.name}` : ''})`;
}

function notificationBody(m) {
  const text = m.content || (m.attachments && m.attachments.length ? 'Sent a file' : m.embeds && m.embeds.length ? 'Sent an embed' : '');
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/** The favicon with a dot, as a data: URI (the CSP allows data: images), made once from the page's own. */
function dottedIcon(link) {
  return fetch(link.href)
    .then((r) => r.text())
    .then((svg) => {
      const dot = '<circle cx="52" cy="12" r="11" fill="#f23f43" stroke="#1e1f22" stroke-width="3"/>';
      return `data:image/svg+xml,${encodeURIComponent(svg.replace(/<\/svg>\s*$/, `${dot}</svg>`))}`;
    })
    .catch(() => null);
}

/** ctx: {store, actions} of the session; stops when the store closes. */
export function startNotify(ctx) {
  const { store, actions } = ctx;
  const link = document.querySelector('link[rel="icon"]');
  const plainIcon = link && link.getAttribute('href');
  let dotted = null;
  let lastCount = -1;

  const drawBadge = () => {
    const n = totalBadge(store);
    if (n === lastCount) return;
    lastCount = n;
    document.title = n ? `(${n}) ${TITLE}` : TITLE;
    if (!link) return;
    if (!n) {
      link.setAttribute('href', plainIcon);
    } else {
      dotted ||= dottedIcon(link);
      dotted.then((href) => href && lastCount > 0 && link.setAttribute('href', href));
    }
  };

  const notify = (m) => {
    if (!actions.desktopEnabled() || !shouldNotify(store, m)) return;
    if (document.visibilityState === 'visible' && store.view.channelId === m.channel_id) return;
    const c = store.channels.get(m.channel_id);
    const n = new Notification(notificationTitle(store, m), { body: notificationBody(m), tag: m.id });
    n.onclick = () => {
      window.focus();
      actions.select(c ? c.guild_id || null : null, m.channel_id);
      n.close();
    };
  };

  store.on(['unread', 'guildSettings', 'guild', 'channel', 'dms', 'view'], drawBadge);
  store.on('created', notify);
  const timer = setInterval(drawBadge, 30000); // timed mutes end by themselves
  store.on('close', () => {
    clearInterval(timer);
    document.title = TITLE;
    if (link) link.setAttribute('href', plainIcon);
  });
  drawBadge();
}
