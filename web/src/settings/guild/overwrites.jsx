// A channel's permission overwrites: for roles (@everyone too) and members, each channel permission allowed,
// neutral (as the roles say) or denied; added, changed (PUT /channels/{id}/permissions/{overwrite_id}) and
// removed (DELETE there).
import { useEffect, useState } from 'preact/hooks';
import { ErrorLine, newId, useAction } from '../common.jsx';
import { bits, can, MANAGE_ROLES, PERMISSION_GROUPS, rolesByPosition } from './permissions.js';

const ROLE = 0;
const MEMBER = 1;
const CHANNEL_GROUPS = PERMISSION_GROUPS.map((g) => ({ ...g, permissions: g.permissions.filter((p) => p.inChannels) })).filter((g) => g.permissions.length);

function targetName(store, guildId, ow) {
  const g = store.guilds.get(guildId);
  if (ow.type === ROLE) return ow.id === guildId ? '@everyone' : g.roles.get(ow.id)?.name || 'deleted role';
  const u = store.users.get(ow.id);
  return u ? `@${u.global_name || u.username}` : 'a member';
}

export function Overwrites({ ctx, guildId, channel }) {
  const { store } = ctx;
  const g = store.guilds.get(guildId);
  const saved = channel.permission_overwrites || [];
  const [draft, setDraft] = useState(null); // an overwrite being added, not saved yet
  const [selected, setSelected] = useState(null);
  const [ids] = useState(() => ({ add: newId('ow-add') }));
  const [adding, setAdding] = useState('');
  const list = draft && !saved.some((o) => o.id === draft.id) ? [...saved, draft] : saved;
  const current = list.find((o) => o.id === selected) || null;
  const manage = can(store, guildId, MANAGE_ROLES);

  const taken = new Set(list.map((o) => o.id));
  const roles = rolesByPosition(g).filter((r) => !taken.has(r.id));
  const members = [...g.members.keys()].filter((id) => !taken.has(id));

  function add() {
    if (!adding) return;
    const [type, id] = adding.split(':');
    setDraft({ id, type: Number(type), allow: '0', deny: '0' });
    setSelected(id);
    setAdding('');
  }

  return (
    <section class="gs-card gs-overwrites" aria-labelledby={`${ids.add}-h`}>
      <h2 id={`${ids.add}-h`}>Permissions</h2>
      <p class="hint">Overwrites change, in this channel, what the roles would allow: the member’s own overwrite wins over the roles’, which win over @everyone’s.</p>
      <div class="gs-inline">
        <label for={ids.add} class="sr-only">
          Add a role or member
        </label>
        <select id={ids.add} value={adding} disabled={!manage} onChange={(e) => setAdding(e.currentTarget.value)}>
          <option value="">Add a role or member…</option>
          <optgroup label="Roles">
            {roles.map((r) => (
              <option key={r.id} value={`${ROLE}:${r.id}`}>
                {r.id === guildId ? '@everyone' : r.name}
              </option>
            ))}
          </optgroup>
          <optgroup label="Members">
            {members.map((id) => (
              <option key={id} value={`${MEMBER}:${id}`}>
                {targetName(store, guildId, { id, type: MEMBER })}
              </option>
            ))}
          </optgroup>
        </select>
        <button type="button" onClick={add} disabled={!adding}>
          Add
        </button>
      </div>
      {list.length ? (
        <ul class="gs-ow-list" aria-label="Roles and members with overwrites">
          {list.map((o) => (
            <li key={o.id}>
              <button type="button" class={`gs-pick ${o.id === selected ? 'selected' : ''}`} aria-pressed={o.id === selected} onClick={() => setSelected(o.id)}>
                {targetName(store, guildId, o)}
                {o === draft ? ' (not saved)' : ''}
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p class="hint">No overwrites: the roles decide.</p>
      )}
      {current ? (
        <OverwriteEditor
          key={current.id}
          ctx={ctx}
          channel={channel}
          overwrite={current}
          name={targetName(store, guildId, current)}
          isNew={current === draft}
          manage={manage}
          onGone={() => {
            setDraft(null);
            setSelected(null);
          }}
          onSaved={() => setDraft(null)}
        />
      ) : null}
    </section>
  );
}

const STATES = [
  ['deny', 'Deny', '✕'],
  ['neutral', 'Neutral', '/'],
  ['allow', 'Allow', '✓'],
];

function OverwriteEditor({ ctx, channel, overwrite, name, isNew, manage, onGone, onSaved }) {
  const { actions } = ctx;
  const [ids] = useState(() => newId('ow'));
  const [allow, setAllow] = useState(bits(overwrite.allow));
  const [deny, setDeny] = useState(bits(overwrite.deny));
  const [status, setStatus] = useState('');
  const act = useAction();
  useEffect(() => {
    setAllow(bits(overwrite.allow));
    setDeny(bits(overwrite.deny));
  }, [overwrite.allow, overwrite.deny]);

  const stateOf = (v) => ((allow & v) !== 0n ? 'allow' : (deny & v) !== 0n ? 'deny' : 'neutral');
  function set(v, state) {
    setAllow((a) => (state === 'allow' ? a | v : a & ~v));
    setDeny((d) => (state === 'deny' ? d | v : d & ~v));
  }
  const dirty = isNew || allow !== bits(overwrite.allow) || deny !== bits(overwrite.deny);

  async function save(e) {
    e.preventDefault();
    setStatus('');
    if (await act.run(() => actions.putOverwrite(channel.id, { id: overwrite.id, type: overwrite.type, allow: allow.toString(), deny: deny.toString() }))) {
      setStatus('Saved.');
      onSaved();
    }
  }
  async function remove() {
    if (isNew) return onGone();
    if (await act.run(() => actions.deleteOverwrite(channel.id, overwrite.id))) onGone();
  }

  return (
    <form class="gs-ow-editor" onSubmit={save} aria-label={`Overwrites for ${name}`}>
      <h3>{name}</h3>
      <fieldset class="gs-plain" disabled={!manage}>
        {CHANNEL_GROUPS.map((group) => (
          <div key={group.title} class="gs-perm-group">
            <h4>{group.title}</h4>
            {group.permissions.map((p) => {
              const state = stateOf(p.value);
              return (
                <div class="gs-perm gs-tri" key={p.bit} data-bit={p.bit} role="radiogroup" aria-labelledby={`${ids}-${p.bit}-n`} aria-describedby={`${ids}-${p.bit}-d`}>
                  <div class="gs-perm-text">
                    <span class="gs-perm-name" id={`${ids}-${p.bit}-n`}>
                      {p.name}
                    </span>
                    <p class="hint" id={`${ids}-${p.bit}-d`}>
                      {p.description}
                    </p>
                  </div>
                  <span class="gs-tri-buttons">
                    {STATES.map(([value, label, mark]) => {
                      const id = `${ids}-${p.bit}-${value}`;
                      return (
                        <span key={value} class={`gs-tri-${value}`}>
                          <input type="radio" id={id} name={`${ids}-${p.bit}`} value={value} aria-label={`${label} ${p.name}`} checked={state === value} onChange={() => set(p.value, value)} />
                          <label for={id} title={label} aria-hidden="true">
                            {mark}
                          </label>
                        </span>
                      );
                    })}
                  </span>
                </div>
              );
            })}
          </div>
        ))}
      </fieldset>
      <div class="gs-buttons gs-sticky">
        <ErrorLine text={act.error} />
        <span class="gs-saved" role="status">
          {dirty ? 'Unsaved changes' : status}
        </span>
        <button type="button" class="danger" onClick={remove} disabled={act.busy || !manage}>
          Remove overwrite
        </button>
        <button type="submit" class="primary" disabled={!dirty || act.busy || !manage}>
          Save overwrite
        </button>
      </div>
    </form>
  );
}
