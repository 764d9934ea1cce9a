// The guild settings' Members section: the members (all of them, or those a search finds), and for each one
// its roles (given and taken one by one), nickname, timeout, kick and ban, each behind the permission it needs
// (the server's refusal, e.g. of a member above one's own highest role, shows in place).
import { useEffect, useState } from 'preact/hooks';
import { avatarUrl } from '../../media/cdn.js';
import { displayName } from '../../store/model.js';
import { useNotices } from '../../ui/hooks.js';
import { Avatar, ErrorLine, newId, useAction, when } from '../common.jsx';
import { assignableRoles, can, P } from './perms.js';

const TIMEOUTS = [
  [60, '60 seconds'],
  [300, '5 minutes'],
  [600, '10 minutes'],
  [3600, '1 hour'],
  [86400, '1 day'],
  [604800, '1 week'],
];
const PURGES = [
  [0, 'Don’t delete any'],
  [3600, 'Previous hour'],
  [21600, 'Previous 6 hours'],
  [86400, 'Previous 24 hours'],
  [259200, 'Previous 3 days'],
  [604800, 'Previous 7 days'],
];

export function MembersSection({ ctx, guildId }) {
  const { store, actions } = ctx;
  useNotices(store, ['members', 'guild', 'roles', 'user', 'me']);
  const [query, setQuery] = useState('');
  const [ids, setIds] = useState(null);
  const [open, setOpen] = useState(null); // the user id whose panel is open
  const [searchId] = useState(() => newId('search'));
  const load = useAction();
  useEffect(() => {
    let live = true;
    const t = setTimeout(
      () =>
        load.run(async () => {
          const found = await actions.findMembers(guildId, query);
          if (live) setIds(found);
        }),
      query ? 250 : 0,
    );
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [guildId, query]);
  const g = store.guilds.get(guildId);
  if (!g) return null;
  const shown = (ids || []).filter((id) => g.members.has(id));
  return (
    <section class="gp-section" aria-labelledby={`${searchId}-h`}>
      <h2 id={`${searchId}-h`} class="sr-only">
        Members
      </h2>
      <div class="gp-toolbar">
        <label for={searchId} class="sr-only">
          Search members
        </label>
        <input id={searchId} type="search" placeholder="Search members by name" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
        <span class="gp-count" role="status">
          {ids === null ? 'Loading…' : `${shown.length} ${shown.length === 1 ? 'member' : 'members'}`}
        </span>
      </div>
      <ErrorLine text={load.error} />
      <ul class="gp-list" aria-label="Members">
        {shown.map((id) => (
          <MemberRow key={id} ctx={ctx} guildId={guildId} userId={id} open={open === id} onToggle={() => setOpen(open === id ? null : id)} />
        ))}
      </ul>
    </section>
  );
}

function MemberRow({ ctx, guildId, userId, open, onToggle }) {
  const { store } = ctx;
  const g = store.guilds.get(guildId);
  const member = g.members.get(userId);
  const user = store.users.get(userId) || { id: userId };
  const name = displayName(store, userId, guildId);
  const roles = (member.roles || []).map((id) => g.roles.get(id)).filter(Boolean);
  const until = member.communication_disabled_until && new Date(member.communication_disabled_until) > new Date() ? member.communication_disabled_until : null;
  return (
    <li class="gp-row" data-user={userId}>
      <div class="gp-row-head">
        <Avatar url={avatarUrl(user, 32)} />
        <div class="gp-who">
          <strong>{name}</strong>
          <span class="gp-sub">
            {user.username}
            {g.guild.owner_id === userId ? ' · owner' : ''}
            {until ? ` · timed out until ${when(until)}` : ''}
          </span>
        </div>
        <ul class="gp-chips" aria-label={`Roles of ${name}`}>
          {roles.map((r) => (
            <li key={r.id}>{r.name}</li>
          ))}
        </ul>
        <button type="button" class="small" aria-expanded={open ? 'true' : 'false'} aria-label={`Manage ${name}`} onClick={onToggle}>
          {open ? 'Done' : 'Manage'}
        </button>
      </div>
      {open ? <MemberPanel ctx={ctx} guildId={guildId} userId={userId} name={name} until={until} /> : null}
    </li>
  );
}

function MemberPanel({ ctx, guildId, userId, name, until }) {
  const { store, actions } = ctx;
  const g = store.guilds.get(guildId);
  const member = g.members.get(userId);
  const self = userId === store.me.id;
  const [ids] = useState(() => ({ nick: newId('nick'), timeout: newId('timeout'), purge: newId('purge') }));
  const [nick, setNick] = useState(member.nick || '');
  const [timeout, setTimeoutFor] = useState(3600);
  const [purge, setPurge] = useState(0);
  const [confirming, setConfirming] = useState(null); // 'kick' | 'ban'
  const [wanted, setWanted] = useState({}); // role id -> the state asked for while its change is under way
  const act = useAction();
  const mayRoles = can(store, guildId, P.MANAGE_ROLES);
  const mayNick = can(store, guildId, P.MANAGE_NICKNAMES) || (self && can(store, guildId, 1n << 26n));
  const mayTimeout = can(store, guildId, P.MODERATE_MEMBERS) && !self;
  const mayKick = can(store, guildId, P.KICK_MEMBERS) && !self;
  const mayBan = can(store, guildId, P.BAN_MEMBERS) && !self;
  const has = new Set(member.roles || []);
  return (
    <div class="gp-panel" role="group" aria-label={`Manage ${name}`}>
      <fieldset class="gp-roles" disabled={!mayRoles || act.busy}>
        <legend>Roles{mayRoles ? '' : ' (needs Manage Roles)'}</legend>
        {assignableRoles(store, guildId).length === 0 ? <p class="hint">This server has no roles yet.</p> : null}
        {assignableRoles(store, guildId).map(({ role, allowed }) => (
          <label key={role.id} class={`gp-check${allowed ? '' : ' gp-above'}`} title={allowed ? undefined : 'At or above your highest role'}>
            <input
              type="checkbox"
              checked={wanted[role.id] ?? has.has(role.id)}
              onChange={(e) => {
                const on = e.currentTarget.checked;
                setWanted((w) => ({ ...w, [role.id]: on }));
                act.run(() => actions.setMemberRole(guildId, userId, role.id, on)).then(() => setWanted(({ [role.id]: _, ...rest }) => rest));
              }}
            />
            {role.name}
          </label>
        ))}
      </fieldset>
      <form
        class="gp-inline"
        onSubmit={(e) => {
          e.preventDefault();
          act.run(() => actions.setNickname(guildId, userId, nick.trim()));
        }}
      >
        <label for={ids.nick}>Nickname</label>
        <input id={ids.nick} value={nick} maxlength={32} placeholder={store.users.get(userId)?.username || ''} disabled={!mayNick} onInput={(e) => setNick(e.currentTarget.value)} />
        <button type="submit" disabled={!mayNick || act.busy}>
          Save nickname
        </button>
        {mayNick ? null : <span class="hint">Needs Manage Nicknames</span>}
      </form>
      <div class="gp-inline">
        <label for={ids.timeout}>Timeout</label>
        <select id={ids.timeout} value={timeout} disabled={!mayTimeout} onChange={(e) => setTimeoutFor(Number(e.currentTarget.value))}>
          {TIMEOUTS.map(([s, label]) => (
            <option key={s} value={s}>
              {label}
            </option>
          ))}
        </select>
        <button type="button" disabled={!mayTimeout || act.busy} onClick={() => act.run(() => actions.timeoutMember(guildId, userId, timeout))}>
          Time out
        </button>
        {until ? (
          <button type="button" disabled={!mayTimeout || act.busy} onClick={() => act.run(() => actions.timeoutMember(guildId, userId, 0))}>
            Remove timeout
          </button>
        ) : null}
        {mayTimeout || self ? null : <span class="hint">Needs Timeout Members</span>}
      </div>
      <div class="gp-inline">
        <label for={ids.purge}>Delete their messages</label>
        <select id={ids.purge} value={purge} disabled={!mayBan} onChange={(e) => setPurge(Number(e.currentTarget.value))}>
          {PURGES.map(([s, label]) => (
            <option key={s} value={s}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div class="gp-buttons">
        {confirming ? (
          <>
            <span role="status">
              {confirming === 'kick' ? `Kick ${name}? They can join again with an invite.` : `Ban ${name}? They cannot join again until unbanned.`}
            </span>
            <button type="button" onClick={() => setConfirming(null)}>
              Cancel
            </button>
            <button
              type="button"
              class="danger"
              disabled={act.busy}
              onClick={() => act.run(() => (confirming === 'kick' ? actions.kickMember(guildId, userId) : actions.banMember(guildId, userId, purge))).then(() => setConfirming(null))}
            >
              {confirming === 'kick' ? 'Yes, kick' : 'Yes, ban'}
            </button>
          </>
        ) : (
          <>
            <button type="button" class="danger" disabled={!mayKick} title={mayKick ? undefined : 'Needs Kick Members'} onClick={() => setConfirming('kick')}>
              Kick
            </button>
            <button type="button" class="danger" disabled={!mayBan} title={mayBan ? undefined : 'Needs Ban Members'} onClick={() => setConfirming('ban')}>
              Ban
            </button>
          </>
        )}
      </div>
      <ErrorLine text={act.error} />
    </div>
  );
}
