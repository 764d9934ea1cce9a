// The guild settings' Bans section: who is banned and why (the reason given with the ban), and unbanning
// (BAN_MEMBERS; the server's refusal shows in place).
import { useEffect, useState } from 'preact/hooks';
import { avatarUrl } from '../../media/cdn.js';
import { useNotices } from '../../ui/hooks.js';
import { Avatar, ErrorLine, newId, useAction } from '../common.jsx';
import { can, P } from './perms.js';

export function BansSection({ ctx, guildId }) {
  const { store, actions } = ctx;
  useNotices(store, ['bans', 'guild', 'roles', 'members']);
  const [filter, setFilter] = useState('');
  const [filterId] = useState(() => newId('bans'));
  const load = useAction();
  const act = useAction();
  const bans = store.bans.get(guildId);
  useEffect(() => {
    if (!bans) load.run(() => actions.loadBans(guildId));
  }, [guildId, bans]);
  const may = can(store, guildId, P.BAN_MEMBERS);
  const q = filter.trim().toLowerCase();
  const shown = (bans || []).filter((b) => !q || b.user.username.toLowerCase().includes(q) || (b.user.global_name || '').toLowerCase().includes(q) || b.user.id === q);
  return (
    <section class="gp-section" aria-label="Bans">
      <div class="gp-toolbar">
        <label for={filterId} class="sr-only">
          Search bans
        </label>
        <input id={filterId} type="search" placeholder="Search bans by name or id" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
        <span class="gp-count" role="status">
          {bans ? `${shown.length} ${shown.length === 1 ? 'ban' : 'bans'}` : 'Loading…'}
        </span>
      </div>
      <ErrorLine text={load.error || act.error} />
      {bans && !bans.length ? <p class="hint">Nobody is banned from this server.</p> : null}
      <ul class="gp-list" aria-label="Banned users">
        {shown.map((b) => (
          <li key={b.user.id} class="gp-row" data-user={b.user.id}>
            <div class="gp-row-head">
              <Avatar url={avatarUrl(b.user, 32)} />
              <div class="gp-who">
                <strong>{b.user.global_name || b.user.username}</strong>
                <span class="gp-sub">{b.user.username}</span>
              </div>
              <p class="gp-reason">{b.reason ? `Reason: ${b.reason}` : 'No reason given'}</p>
              <button
                type="button"
                class="small"
                disabled={!may || act.busy}
                title={may ? undefined : 'Needs Ban Members'}
                aria-label={`Unban ${b.user.username}`}
                onClick={() => act.run(() => actions.unban(guildId, b.user.id))}
              >
                Unban
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
