// Overview: the guild's name and icon (the fields PATCH /guilds/{id} takes; the server has no system channel,
// verification level or AFK settings yet and refuses them), handing ownership over, and deleting (the owner,
// confirmed by typing the name) or leaving (anyone else) the server.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { guildIconUrl } from '../../media/cdn.js';
import { imageField } from '../image-field.js';
import { ErrorLine, newId, useAction } from '../common.jsx';
import { can, isOwner, MANAGE_GUILD } from './permissions.js';

export function Overview({ ctx, guildId, close }) {
  const { store, actions } = ctx;
  const g = store.guilds.get(guildId);
  const owner = isOwner(store, guildId);
  const manager = can(store, guildId, MANAGE_GUILD);
  const [ids] = useState(() => ({ name: newId('name'), owner: newId('owner'), confirm: newId('confirm') }));
  const [name, setName] = useState(g.guild.name);
  const [saved, setSaved] = useState('');
  const save = useAction();
  const iconHost = useRef(null);
  // The picture field (built with h()) is made anew when the icon changes, so it shows the one now set.
  const picture = useMemo(() => imageField('Server icon', guildIconUrl(g.guild, 128), 'guild-icon large'), [g.guild.icon]);
  useEffect(() => {
    iconHost.current.replaceChildren(picture.el);
  }, [picture]);

  async function onSave(e) {
    e.preventDefault();
    setSaved('');
    const fields = {};
    if (name.trim() !== g.guild.name) fields.name = name.trim();
    const icon = await picture.value();
    if (icon !== undefined) fields.icon = icon;
    if (!Object.keys(fields).length) return setSaved('Nothing to save.');
    if (await save.run(() => actions.updateGuild(guildId, fields))) setSaved('Saved.');
  }

  return (
    <div class="gs-section gs-overview">
      <form class="gs-card" onSubmit={onSave} aria-label="Server profile">
        <div class="field">
          <label for={ids.name}>Server name</label>
          <input id={ids.name} value={name} maxLength={100} disabled={!manager} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <div ref={iconHost} class="gs-icon-field" />
        <p class="hint">
          The server takes a name and an icon here; a system channel, verification level and the like are not features
          it has yet.
        </p>
        <ErrorLine text={save.error} />
        <div class="gs-buttons">
          <span class="gs-saved" role="status">
            {saved}
          </span>
          <button type="submit" class="primary" disabled={save.busy || !manager}>
            Save changes
          </button>
        </div>
      </form>
      {owner ? <Transfer ctx={ctx} guildId={guildId} id={ids.owner} /> : null}
      {owner ? <DeleteServer ctx={ctx} guildId={guildId} id={ids.confirm} close={close} /> : <LeaveServer ctx={ctx} guildId={guildId} close={close} />}
    </div>
  );
}

function Transfer({ ctx, guildId, id }) {
  const { store, actions } = ctx;
  const g = store.guilds.get(guildId);
  const [to, setTo] = useState('');
  const [sure, setSure] = useState(false);
  const act = useAction();
  const others = [...g.members.keys()].filter((uid) => uid !== store.me.id);
  return (
    <section class="gs-card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Transfer ownership</h2>
      <div class="field">
        <label for={id}>New owner</label>
        <select id={id} value={to} onChange={(e) => (setTo(e.currentTarget.value), setSure(false))}>
          <option value="">Choose a member</option>
          {others.map((uid) => (
            <option key={uid} value={uid}>
              {store.users.get(uid)?.username || uid}
            </option>
          ))}
        </select>
      </div>
      <ErrorLine text={act.error} />
      <div class="gs-buttons">
        {sure ? <span class="hint">You will no longer own this server.</span> : null}
        <button
          type="button"
          class="danger"
          disabled={!to || act.busy}
          onClick={() => (sure ? act.run(() => actions.updateGuild(guildId, { owner_id: to })) : setSure(true))}
        >
          {sure ? 'Yes, transfer it' : 'Transfer ownership'}
        </button>
      </div>
    </section>
  );
}

function DeleteServer({ ctx, guildId, id, close }) {
  const { store, actions } = ctx;
  const g = store.guilds.get(guildId);
  const [typed, setTyped] = useState('');
  const act = useAction();
  return (
    <section class="gs-card gs-danger-zone" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Delete server</h2>
      <p class="hint">This deletes the server with its channels and messages for everyone. It cannot be undone.</p>
      <div class="field">
        <label for={id}>Type the server’s name to confirm</label>
        <input id={id} value={typed} autocomplete="off" onInput={(e) => setTyped(e.currentTarget.value)} />
      </div>
      <ErrorLine text={act.error} />
      <div class="gs-buttons">
        <button
          type="button"
          class="danger"
          disabled={typed !== g.guild.name || act.busy}
          onClick={async () => (await act.run(() => actions.deleteGuild(guildId))) && close()}
        >
          Delete server
        </button>
      </div>
    </section>
  );
}

function LeaveServer({ ctx, guildId, close }) {
  const { actions } = ctx;
  const [sure, setSure] = useState(false);
  const act = useAction();
  return (
    <section class="gs-card gs-danger-zone" aria-label="Leave server">
      <h2>Leave server</h2>
      <p class="hint">You can only come back with an invite.</p>
      <ErrorLine text={act.error} />
      <div class="gs-buttons">
        {sure ? (
          <button type="button" onClick={() => setSure(false)}>
            Stay
          </button>
        ) : null}
        <button type="button" class="danger" disabled={act.busy} onClick={async () => (sure ? (await act.run(() => actions.leaveGuild(guildId))) && close() : setSure(true))}>
          {sure ? 'Yes, leave' : 'Leave server'}
        </button>
      </div>
    </section>
  );
}
