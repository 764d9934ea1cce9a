// The open guild's members, online first then offline, by name; a button on someone else opens a DM with them.
// Hidden in the DMs. Up and Down move among the members.
import { displayName } from '../store/model.js';
import { Avatar } from '../ui/avatar.jsx';
import { useNotices } from '../ui/hooks.js';
import { arrowKeys } from '../ui/keys.js';

const onKeyDown = arrowKeys('button.member');

function MemberButton({ ctx, row: r }) {
  const { store, actions } = ctx;
  const status = r.status === 'dnd' ? 'do not disturb' : r.status;
  return (
    <li>
      <button
        class={`member status-${r.status}`}
        data-key={r.id}
        aria-label={`${r.name}, ${status}${r.id === store.me.id ? ' (you)' : ', send a message'}`}
        onClick={() => r.id !== store.me.id && actions.openDm(r.id)}
      >
        <span class="avatar-wrap">
          <Avatar user={store.users.get(r.id)} />
          <span class="dot" aria-hidden="true" />
        </span>
        <span class="member-name">{r.name}</span>
      </button>
    </li>
  );
}

function Section({ ctx, title, rows }) {
  if (!rows.length) return null;
  return (
    <>
      <h2>{`${title} — ${rows.length}`}</h2>
      <ul>
        {rows.map((r) => (
          <MemberButton key={r.id} ctx={ctx} row={r} />
        ))}
      </ul>
    </>
  );
}

export function MemberList({ ctx, class: cls = '' }) {
  const { store } = ctx;
  useNotices(store, ['view', 'me', 'guild', 'members', 'presence', 'user']);
  const g = store.view.guildId && store.guilds.get(store.view.guildId);
  const rows = g
    ? [...g.members.keys()].map((id) => ({ id, name: displayName(store, id, g.guild.id), status: store.presences.get(id) || 'offline' }))
    : [];
  rows.sort((a, b) => a.name.localeCompare(b.name));
  return (
    <aside class={`members${cls}`} id="members" aria-label="Members" hidden={store.view.guildId === null} onKeyDown={onKeyDown}>
      <Section ctx={ctx} title="Online" rows={rows.filter((r) => r.status !== 'offline')} />
      <Section ctx={ctx} title="Offline" rows={rows.filter((r) => r.status === 'offline')} />
    </aside>
  );
}
