// Roles: the guild's roles in position order (highest first, @everyone last and fixed), moved by dragging
// their handle, by Alt+Up/Down or by their buttons (PATCH /guilds/{id}/roles); creating one; and the editor of
// the chosen role: name, colour, hoist, mentionable and every permission bit, grouped as Discord groups them.
// A role at or above one's own highest is shown but not editable, with the reason.
import { useEffect, useState } from 'preact/hooks';
import { useNotices } from '../../ui/hooks.js';
import { ErrorLine, newId, useAction } from '../common.jsx';
import { bits, PERMISSION_GROUPS, rolesByPosition, whyNotEditable, can, MANAGE_ROLES } from './permissions.js';
import { keySlot, moved, useDragReorder } from './reorder.js';

const hex = (color) => `#${(color || 0).toString(16).padStart(6, '0')}`;

export function Roles({ ctx, guildId }) {
  const { store, actions } = ctx;
  useNotices(store, ['roles', 'members']);
  const g = store.guilds.get(guildId);
  const all = rolesByPosition(g);
  const movable = all.filter((r) => r.id !== guildId);
  const everyone = g.roles.get(guildId);
  const [selected, setSelected] = useState(null);
  const [focusId, setFocusId] = useState(null);
  const list = useAction();
  const role = g.roles.get(selected) || movable[0] || everyone;

  async function move(from, slot) {
    const order = moved(movable, from, slot);
    if (order === movable) return;
    // The positions the roles hold now are dealt out again in the new order: only the moved range changes.
    const positions = movable.map((r) => r.position).sort((a, b) => b - a);
    const moves = order.map((r, i) => ({ id: r.id, position: positions[i] })).filter((m) => m.position !== g.roles.get(m.id).position);
    setFocusId(movable[from].id);
    if (!moves.length) return;
    await list.run(() => actions.moveRoles(guildId, moves));
  }
  const drag = useDragReorder(move);

  useEffect(() => {
    if (!focusId) return;
    document.querySelector(`.gs-roles [data-id="${focusId}"] .gs-handle`)?.focus();
  }, [focusId, all.map((r) => r.id).join()]);

  async function create() {
    let made = null;
    if (await list.run(async () => (made = await actions.createRole(guildId, { name: 'new role' })))) setSelected(made.id);
  }

  return (
    <div class="gs-section gs-split gs-roles">
      <div class="gs-list-pane">
        <div class="gs-buttons">
          <p class="hint gs-grow">Drag a role by its handle, or press Alt+Up/Down on it, to move it. Roles higher up win.</p>
          <button type="button" class="primary" onClick={create} disabled={list.busy || !can(store, guildId, MANAGE_ROLES)}>
            Create role
          </button>
        </div>
        <ErrorLine text={list.error} />
        <ol class="gs-rows" ref={drag.listRef} aria-label="Roles, highest first">
          {movable.map((r, i) => {
            const why = whyNotEditable(store, guildId, r);
            const cls = ['gs-row', r.id === role.id ? 'selected' : '', drag.dragging === i ? 'dragging' : '', drag.over === i && drag.dragging !== null ? 'drop-before' : '', drag.over === movable.length && i === movable.length - 1 && drag.dragging !== null ? 'drop-after' : ''];
            return (
              <li
                key={r.id}
                data-row
                data-id={r.id}
                class={cls.join(' ')}
                onKeyDown={(e) => {
                  const slot = why ? null : keySlot(e, i);
                  if (slot === null || slot < 0 || slot > movable.length) return;
                  e.preventDefault();
                  move(i, slot);
                }}
              >
                {why ? (
                  <span class="gs-lock" title={why} aria-hidden="true">
                    🔒
                  </span>
                ) : (
                  <button type="button" class="gs-handle" aria-label={`Move ${r.name} (drag, or Alt+Up/Down)`} title="Drag, or Alt+Up/Down" {...drag.handle(i)}>
                    ⠿
                  </button>
                )}
                <button type="button" class="gs-pick" aria-pressed={r.id === role.id} onClick={() => setSelected(r.id)}>
                  <span class="gs-dot" style={{ '--role-color': r.color ? hex(r.color) : 'var(--muted)' }} aria-hidden="true" />
                  <span class="gs-name">{r.name}</span>
                  {why ? <span class="sr-only"> (not editable)</span> : null}
                </button>
                {why ? null : (
                  <span class="gs-move">
                    <button type="button" class="icon" aria-label={`Move ${r.name} up`} disabled={i === 0} onClick={() => move(i, i - 1)}>
                      ↑
                    </button>
                    <button type="button" class="icon" aria-label={`Move ${r.name} down`} disabled={i === movable.length - 1} onClick={() => move(i, i + 2)}>
                      ↓
                    </button>
                  </span>
                )}
              </li>
            );
          })}
        </ol>
        {everyone ? (
          <div class={`gs-row gs-everyone ${everyone.id === role.id ? 'selected' : ''}`}>
            <button type="button" class="gs-pick" aria-pressed={everyone.id === role.id} onClick={() => setSelected(everyone.id)}>
              <span class="gs-name">@everyone</span>
            </button>
            <span class="hint">everyone, always last</span>
          </div>
        ) : null}
      </div>
      {role ? <RoleEditor key={role.id} ctx={ctx} guildId={guildId} role={role} onDeleted={() => setSelected(null)} /> : null}
    </div>
  );
}

function RoleEditor({ ctx, guildId, role, onDeleted }) {
  const { store, actions } = ctx;
  const everyone = role.id === guildId;
  const why = whyNotEditable(store, guildId, role);
  const [ids] = useState(() => ({ name: newId('role-name'), color: newId('role-color'), hoist: newId('hoist'), mention: newId('mention'), perm: newId('perm') }));
  const [name, setName] = useState(role.name);
  const [color, setColor] = useState(role.color || 0);
  const [hoist, setHoist] = useState(!!role.hoist);
  const [mentionable, setMentionable] = useState(!!role.mentionable);
  const [perms, setPerms] = useState(bits(role.permissions));
  const [sure, setSure] = useState(false);
  const [saved, setSaved] = useState('');
  const act = useAction();

  const body = {};
  if (!everyone && name.trim() !== role.name) body.name = name.trim();
  if (!everyone && color !== (role.color || 0)) body.color = color;
  if (!everyone && hoist !== !!role.hoist) body.hoist = hoist;
  if (!everyone && mentionable !== !!role.mentionable) body.mentionable = mentionable;
  if (perms !== bits(role.permissions)) body.permissions = perms.toString();
  const dirty = Object.keys(body).length > 0;

  async function save(e) {
    e.preventDefault();
    setSaved('');
    if (await act.run(() => actions.updateRole(guildId, role.id, body))) setSaved('Saved.');
  }
  function reset() {
    setName(role.name);
    setColor(role.color || 0);
    setHoist(!!role.hoist);
    setMentionable(!!role.mentionable);
    setPerms(bits(role.permissions));
    act.setError('');
  }
  // The role changed (saved here, or by someone else): the form shows it as it is now. Only a change of what is
  // shown counts: the same role arriving again (its create or update event, a fresh list) keeps what is typed.
  const shown = [role.name, role.color || 0, !!role.hoist, !!role.mentionable, role.permissions].join('\u0000');
  useEffect(() => {
    setName(role.name);
    setColor(role.color || 0);
    setHoist(!!role.hoist);
    setMentionable(!!role.mentionable);
    setPerms(bits(role.permissions));
  }, [shown]);
  const toggle = (value, on) => setPerms((p) => (on ? p | value : p & ~value));

  return (
    <form class="gs-editor" onSubmit={save} aria-label={`Edit role ${everyone ? '@everyone' : role.name}`}>
      <h2>{everyone ? '@everyone' : role.name}</h2>
      {why ? (
        <p class="gs-why" role="note">
          {why}
        </p>
      ) : null}
      <fieldset disabled={!!why} class="gs-plain">
        {everyone ? (
          <p class="hint">@everyone is every member of the server: its permissions are what everyone has. It cannot be renamed or moved.</p>
        ) : (
          <div class="gs-card">
            <div class="field">
              <label for={ids.name}>Role name</label>
              <input id={ids.name} value={name} maxLength={100} onInput={(e) => setName(e.currentTarget.value)} />
            </div>
            <div class="field">
              <label for={ids.color}>Role colour</label>
              <div class="gs-inline">
                <input id={ids.color} type="color" value={hex(color)} onInput={(e) => setColor(parseInt(e.currentTarget.value.slice(1), 16))} />
                <span class="hint">{color ? hex(color) : 'default (none)'}</span>
                <button type="button" onClick={() => setColor(0)} disabled={!color}>
                  No colour
                </button>
              </div>
            </div>
            <div class="check">
              <input id={ids.hoist} type="checkbox" checked={hoist} onChange={(e) => setHoist(e.currentTarget.checked)} />
              <label for={ids.hoist}>Show members with this role apart from online members</label>
            </div>
            <div class="check">
              <input id={ids.mention} type="checkbox" checked={mentionable} onChange={(e) => setMentionable(e.currentTarget.checked)} />
              <label for={ids.mention}>Allow anyone to @mention this role</label>
            </div>
          </div>
        )}
        <div class="gs-perms">
          {PERMISSION_GROUPS.map((group) => (
            <fieldset key={group.title} class="gs-card gs-perm-group">
              <legend>{group.title}</legend>
              {group.permissions.map((p) => {
                const id = `${ids.perm}-${p.bit}`;
                return (
                  <div class="gs-perm" key={p.bit}>
                    <div class="gs-perm-text">
                      <label for={id}>{p.name}</label>
                      <p class="hint" id={`${id}-d`}>
                        {p.description}
                      </p>
                    </div>
                    <input id={id} type="checkbox" role="switch" aria-describedby={`${id}-d`} checked={(perms & p.value) !== 0n} onChange={(e) => toggle(p.value, e.currentTarget.checked)} />
                  </div>
                );
              })}
            </fieldset>
          ))}
        </div>
      </fieldset>
      <div class="gs-buttons gs-sticky">
        <ErrorLine text={act.error} />
        <span class="gs-saved" role="status">
          {dirty ? 'Unsaved changes' : saved}
        </span>
        {!everyone && !why ? (
          <button type="button" class="danger" disabled={act.busy} onClick={async () => (sure ? (await act.run(() => actions.deleteRole(guildId, role.id))) && onDeleted() : setSure(true))}>
            {sure ? 'Yes, delete this role' : 'Delete role'}
          </button>
        ) : null}
        <button type="button" onClick={reset} disabled={!dirty}>
          Reset
        </button>
        <button type="submit" class="primary" disabled={!dirty || act.busy || !!why}>
          Save changes
        </button>
      </div>
    </form>
  );
}
