// The guild settings' Invites section: the guild's invites with their channel, inviter, uses and expiry
// (MANAGE_GUILD reads them), revoking one (MANAGE_GUILD or MANAGE_CHANNELS), and creating one for a channel with
// an expiry and a number of uses (CREATE_INSTANT_INVITE). The server's refusal shows in place.
import { useEffect, useState } from 'preact/hooks';
import { TEXT } from '../../store/model.js';
import { useNotices } from '../../ui/hooks.js';
import { ErrorLine, newId, useAction, when } from '../common.jsx';
import { can, P } from './perms.js';

const AGES = [
  [1800, '30 minutes'],
  [3600, '1 hour'],
  [21600, '6 hours'],
  [43200, '12 hours'],
  [86400, '1 day'],
  [604800, '7 days'],
  [0, 'Never'],
];
const USES = [0, 1, 5, 10, 25, 50, 100];

function expiry(invite) {
  const at = invite.expires_at || (invite.max_age && invite.created_at ? new Date(new Date(invite.created_at).getTime() + invite.max_age * 1000).toISOString() : null);
  return at ? when(at) : 'Never';
}

export function InvitesSection({ ctx, guildId }) {
  const { store, actions } = ctx;
  useNotices(store, ['invites', 'guild', 'channel', 'roles', 'members']);
  const [ids] = useState(() => ({ channel: newId('inv-channel'), age: newId('inv-age'), uses: newId('inv-uses') }));
  const g = store.guilds.get(guildId);
  const channels = g ? [...g.channels.values()].filter((c) => c.type === TEXT).sort((a, b) => a.position - b.position) : [];
  const [channelId, setChannelId] = useState(channels[0]?.id || '');
  const [age, setAge] = useState(604800);
  const [uses, setUses] = useState(0);
  const [created, setCreated] = useState(null);
  const load = useAction();
  const act = useAction();
  const invites = store.invites.get(guildId);
  useEffect(() => {
    load.run(() => actions.loadInvites(guildId));
  }, [guildId]);
  if (!g) return null;
  const mayRevoke = can(store, guildId, P.MANAGE_GUILD) || can(store, guildId, P.MANAGE_CHANNELS);
  const mayCreate = can(store, guildId, P.CREATE_INSTANT_INVITE);
  const link = (code) => `${location.origin}/invite/${code}`;
  return (
    <section class="gp-section" aria-label="Invites">
      <form
        class="gp-card"
        aria-label="Create an invite"
        onSubmit={(e) => {
          e.preventDefault();
          act.run(async () => setCreated(await actions.createGuildInvite(guildId, channelId || channels[0]?.id, age, uses)));
        }}
      >
        <h3>Create an invite</h3>
        <div class="gp-inline">
          <label for={ids.channel}>Channel</label>
          <select id={ids.channel} value={channelId} onChange={(e) => setChannelId(e.currentTarget.value)}>
            {channels.map((c) => (
              <option key={c.id} value={c.id}>
                #{c.name}
              </option>
            ))}
          </select>
          <label for={ids.age}>Expire after</label>
          <select id={ids.age} value={age} onChange={(e) => setAge(Number(e.currentTarget.value))}>
            {AGES.map(([s, label]) => (
              <option key={s} value={s}>
                {label}
              </option>
            ))}
          </select>
          <label for={ids.uses}>Max uses</label>
          <select id={ids.uses} value={uses} onChange={(e) => setUses(Number(e.currentTarget.value))}>
            {USES.map((n) => (
              <option key={n} value={n}>
                {n ? `${n} ${n === 1 ? 'use' : 'uses'}` : 'No limit'}
              </option>
            ))}
          </select>
          <button type="submit" class="primary" disabled={!mayCreate || act.busy || !channels.length} title={mayCreate ? undefined : 'Needs Create Invite'}>
            Create invite
          </button>
        </div>
        {created ? (
          <p class="gp-created" role="status">
            New invite: <code>{link(created.code)}</code>
          </p>
        ) : null}
      </form>
      <ErrorLine text={load.error || act.error} />
      {invites && !invites.length ? <p class="hint">This server has no invites.</p> : null}
      {invites && invites.length ? (
        <table class="gp-table">
          <caption class="sr-only">Invites</caption>
          <thead>
            <tr>
              <th scope="col">Code</th>
              <th scope="col">Channel</th>
              <th scope="col">Inviter</th>
              <th scope="col">Uses</th>
              <th scope="col">Expires</th>
              <th scope="col">
                <span class="sr-only">Revoke</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {invites.map((i) => (
              <tr key={i.code} data-code={i.code}>
                <td>
                  <code>{i.code}</code>
                </td>
                <td>#{i.channel?.name || store.channels.get(i.channel?.id)?.name || '?'}</td>
                <td>{i.inviter ? i.inviter.global_name || i.inviter.username : '—'}</td>
                <td>{i.max_uses ? `${i.uses} / ${i.max_uses}` : String(i.uses ?? 0)}</td>
                <td>{expiry(i)}</td>
                <td>
                  <button
                    type="button"
                    class="small danger"
                    disabled={!mayRevoke || act.busy}
                    title={mayRevoke ? undefined : 'Needs Manage Server or Manage Channels'}
                    aria-label={`Revoke invite ${i.code}`}
                    onClick={() => act.run(() => actions.revokeInvite(guildId, i.code))}
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
