// The open guild's members, online first then offline, by name; a button on someone else opens a DM with them.
// Hidden in the DMs. Up and Down move among the members.
import { avatar } from '../content.js';
import { arrowKeys, h, replaceChildren } from '../dom.js';
import { displayName } from '../store/model.js';

function memberButton({ store, actions }, r) {
  return h(
    'li',
    {},
    h(
      'button',
      {
        class: `member status-${r.status}`,
        dataset: { key: r.id },
        'aria-label': `${r.name}, ${r.status === 'dnd' ? 'do not disturb' : r.status}${r.id === store.me.id ? ' (you)' : ', send a message'}`,
        onClick: () => r.id !== store.me.id && actions.openDm(r.id),
      },
      h('span', { class: 'avatar-wrap' }, avatar(store.users.get(r.id)), h('span', { class: 'dot', 'aria-hidden': 'true' })),
      h('span', { class: 'member-name' }, r.name),
    ),
  );
}

export function createMemberList(ctx) {
  const { store } = ctx;
  const el = h('aside', { class: 'members', 'aria-label': 'Members' });
  arrowKeys(el, 'button.member');
  const section = (title, list) => (list.length ? [h('h2', {}, `${title} — ${list.length}`), h('ul', {}, list.map((r) => memberButton(ctx, r)))] : null);
  const render = () => {
    el.hidden = store.view.guildId === null;
    el.parentElement?.classList.toggle('no-members', el.hidden);
    const g = store.view.guildId && store.guilds.get(store.view.guildId);
    if (!g) return replaceChildren(el);
    const rows = [...g.members.keys()].map((id) => ({ id, name: displayName(store, id, g.guild.id), status: store.presences.get(id) || 'offline' }));
    rows.sort((a, b) => a.name.localeCompare(b.name));
    replaceChildren(
      el,
      section('Online', rows.filter((r) => r.status !== 'offline')),
      section('Offline', rows.filter((r) => r.status === 'offline')),
    );
  };
  store.on(['view', 'me'], render);
  store.on(['guild', 'members'], (id) => id === store.view.guildId && render());
  store.on('presence', () => store.view.guildId && render());
  return el;
}
