// Channels: the guild's channels under their categories, reordered and moved between categories by dragging
// their handle, by Alt+Up/Down or by their buttons (PATCH /guilds/{id}/channels with positions and parent_id),
// and the editor of the chosen one: name, topic and slowmode (PATCH /channels/{id}) and its permission
// overwrites (overwrites.jsx).
import { useEffect, useState } from 'preact/hooks';
import { CATEGORY, newer } from '../../store/model.js';
import { useNotices } from '../../ui/hooks.js';
import { ErrorLine, newId, useAction } from '../common.jsx';
import { can, MANAGE_CHANNELS } from './permissions.js';
import { keySlot, moved, useDragReorder } from './reorder.js';
import { Overwrites } from './overwrites.jsx';

const SLOWMODE = [
  [0, 'Off'],
  [5, '5 seconds'],
  [10, '10 seconds'],
  [15, '15 seconds'],
  [30, '30 seconds'],
  [60, '1 minute'],
  [120, '2 minutes'],
  [300, '5 minutes'],
  [600, '10 minutes'],
  [900, '15 minutes'],
  [1800, '30 minutes'],
  [3600, '1 hour'],
  [7200, '2 hours'],
  [21600, '6 hours'],
];

const byPosition = (a, b) => a.position - b.position || (newer(a.id, b.id) ? 1 : -1);

/** The rows as shown: channels without a category first, then each category followed by its channels. */
export function channelRows(g) {
  const all = [...g.channels.values()].sort(byPosition);
  const cats = all.filter((c) => c.type === CATEGORY);
  const inside = (id) => all.filter((c) => c.type !== CATEGORY && (c.parent_id || null) === id);
  return [...inside(null), ...cats.flatMap((cat) => [cat, ...inside(cat.id)])];
}

/** The moves that give rows (in the order wanted) their positions and categories: categories numbered in
 * order, each category's channels numbered in order; only what changes is sent. */
export function movesFor(g, rows) {
  const moves = [];
  let parent = null;
  let cat = 0;
  const next = new Map(); // parent id -> next position
  for (const c of rows) {
    const old = g.channels.get(c.id);
    if (c.type === CATEGORY) {
      parent = c.id;
      const position = cat++;
      if (old.position !== position) moves.push({ id: c.id, position });
      continue;
    }
    const position = next.get(parent) || 0;
    next.set(parent, position + 1);
    if (old.position !== position || (old.parent_id || null) !== parent) moves.push({ id: c.id, position, parent_id: parent });
  }
  return moves;
}

/** rows with the category at index from moved (with its channels) into the gap before category slot. */
function movedCategory(rows, from, slot) {
  const cats = rows.filter((c) => c.type === CATEGORY);
  const order = moved(cats, cats.indexOf(rows[from]), slot);
  const loose = rows.filter((c) => c.type !== CATEGORY && !c.parent_id);
  const inside = (id) => rows.filter((c) => c.type !== CATEGORY && c.parent_id === id);
  return [...loose, ...order.flatMap((cat) => [cat, ...inside(cat.id)])];
}

export function Channels({ ctx, guildId }) {
  const { store, actions } = ctx;
  useNotices(store, ['channel', 'guild', 'roles', 'members']);
  const g = store.guilds.get(guildId);
  const rows = channelRows(g);
  const [selected, setSelected] = useState(null);
  const [focusId, setFocusId] = useState(null);
  const list = useAction();
  const channel = g.channels.get(selected) || rows[0];
  const manage = can(store, guildId, MANAGE_CHANNELS);

  async function apply(order, id) {
    const moves = movesFor(g, order);
    if (!moves.length) return;
    setFocusId(id);
    await list.run(() => actions.moveChannels(guildId, moves));
  }
  /** A drop or a key on row from: a channel goes to the slot (and into the category above it); a category
   * goes with its channels before the category nearest the slot. */
  function move(from, slot) {
    const row = rows[from];
    if (row.type !== CATEGORY) return apply(moved(rows, from, slot), row.id);
    const catSlot = rows.slice(0, slot).filter((c) => c.type === CATEGORY).length;
    return apply(movedCategory(rows, from, catSlot), row.id);
  }
  function step(from, up) {
    const row = rows[from];
    if (row.type !== CATEGORY) return move(from, up ? from - 1 : from + 2);
    const cats = rows.filter((c) => c.type === CATEGORY);
    const ci = cats.indexOf(row);
    return apply(movedCategory(rows, from, up ? ci - 1 : ci + 2), row.id);
  }
  const drag = useDragReorder(move);

  useEffect(() => {
    if (focusId) document.querySelector(`.gs-channels [data-id="${focusId}"] .gs-handle`)?.focus();
  }, [focusId, rows.map((c) => c.id).join()]);

  return (
    <div class="gs-section gs-split gs-channels">
      <div class="gs-list-pane">
        <p class="hint gs-grow">
          Drag a channel by its handle, or press Alt+Up/Down on it, to move it; past a category’s name it goes into that
          category. Categories move with their channels.
        </p>
        <ErrorLine text={list.error} />
        <ol class="gs-rows" ref={drag.listRef} aria-label="Channels and categories">
          {rows.map((c, i) => {
            const cat = c.type === CATEGORY;
            const label = cat ? `category ${c.name}` : `#${c.name}`;
            const cls = ['gs-row', cat ? 'gs-cat' : 'gs-chan', c.parent_id ? 'inside' : '', c.id === channel?.id ? 'selected' : '', drag.dragging === i ? 'dragging' : '', drag.dragging !== null && drag.over === i ? 'drop-before' : '', drag.dragging !== null && drag.over === rows.length && i === rows.length - 1 ? 'drop-after' : ''];
            return (
              <li
                key={c.id}
                data-row
                data-id={c.id}
                class={cls.join(' ')}
                onKeyDown={(e) => {
                  const slot = manage ? keySlot(e, i) : null;
                  if (slot === null) return;
                  e.preventDefault();
                  step(i, e.key === 'ArrowUp');
                }}
              >
                {manage ? (
                  <button type="button" class="gs-handle" aria-label={`Move ${label} (drag, or Alt+Up/Down)`} title="Drag, or Alt+Up/Down" {...drag.handle(i)}>
                    ⠿
                  </button>
                ) : null}
                <button type="button" class="gs-pick" aria-pressed={c.id === channel?.id} onClick={() => setSelected(c.id)}>
                  <span class="gs-name">{cat ? c.name.toUpperCase() : `# ${c.name}`}</span>
                  {cat ? <span class="sr-only"> (category)</span> : null}
                </button>
                {manage ? (
                  <span class="gs-move">
                    <button type="button" class="icon" aria-label={`Move ${label} up`} onClick={() => step(i, true)}>
                      ↑
                    </button>
                    <button type="button" class="icon" aria-label={`Move ${label} down`} onClick={() => step(i, false)}>
                      ↓
                    </button>
                  </span>
                ) : null}
              </li>
            );
          })}
        </ol>
      </div>
      {channel ? <ChannelEditor key={channel.id} ctx={ctx} guildId={guildId} channel={channel} rows={rows} manage={manage} /> : <p class="hint">No channels yet.</p>}
    </div>
  );
}

function ChannelEditor({ ctx, guildId, channel, rows, manage }) {
  const { store, actions } = ctx;
  const g = store.guilds.get(guildId);
  const cat = channel.type === CATEGORY;
  const [ids] = useState(() => ({ name: newId('ch-name'), topic: newId('topic'), slow: newId('slow'), parent: newId('parent') }));
  const [name, setName] = useState(channel.name);
  const [topic, setTopic] = useState(channel.topic || '');
  const [slow, setSlow] = useState(channel.rate_limit_per_user || 0);
  const [saved, setSaved] = useState('');
  const act = useAction();
  const moving = useAction();
  useEffect(() => {
    setName(channel.name);
    setTopic(channel.topic || '');
    setSlow(channel.rate_limit_per_user || 0);
  }, [channel.name, channel.topic, channel.rate_limit_per_user]); // what is shown changed, not just the object

  const body = {};
  if (name.trim() !== channel.name) body.name = name.trim();
  if (!cat && topic !== (channel.topic || '')) body.topic = topic;
  if (!cat && slow !== (channel.rate_limit_per_user || 0)) body.rate_limit_per_user = slow;
  const dirty = Object.keys(body).length > 0;
  const cats = rows.filter((c) => c.type === CATEGORY);

  async function save(e) {
    e.preventDefault();
    setSaved('');
    if (await act.run(() => actions.updateChannel(channel.id, body))) setSaved('Saved.');
  }
  /** Into another category (or none), at its end. */
  function moveTo(parent) {
    const others = rows.filter((c) => c.id !== channel.id);
    const at = parent ? others.findIndex((c) => c.id === parent) + 1 + others.filter((c) => c.parent_id === parent).length : others.filter((c) => c.type !== CATEGORY && !c.parent_id).length;
    const order = [...others.slice(0, at), { ...channel, parent_id: parent }, ...others.slice(at)];
    const moves = movesFor(g, order);
    return moving.run(() => actions.moveChannels(guildId, moves));
  }

  return (
    <div class="gs-editor">
      <form class="gs-card" onSubmit={save} aria-label={`Edit ${cat ? 'category' : 'channel'} ${channel.name}`}>
        <h2>{cat ? channel.name : `# ${channel.name}`}</h2>
        <fieldset class="gs-plain" disabled={!manage}>
          <div class="field">
            <label for={ids.name}>{cat ? 'Category name' : 'Channel name'}</label>
            <input id={ids.name} value={name} maxLength={100} onInput={(e) => setName(e.currentTarget.value)} />
          </div>
          {cat ? null : (
            <>
              <div class="field">
                <label for={ids.topic}>Channel topic</label>
                <textarea id={ids.topic} rows={3} maxLength={1024} value={topic} onInput={(e) => setTopic(e.currentTarget.value)} />
              </div>
              <div class="field">
                <label for={ids.slow}>Slowmode</label>
                <select id={ids.slow} value={String(slow)} onChange={(e) => setSlow(Number(e.currentTarget.value))}>
                  {SLOWMODE.map(([s, text]) => (
                    <option key={s} value={String(s)}>
                      {text}
                    </option>
                  ))}
                </select>
              </div>
            </>
          )}
        </fieldset>
        <ErrorLine text={act.error} />
        <div class="gs-buttons">
          <span class="gs-saved" role="status">
            {dirty ? 'Unsaved changes' : saved}
          </span>
          <button type="submit" class="primary" disabled={!dirty || act.busy || !manage}>
            Save changes
          </button>
        </div>
        {cat ? null : (
          <div class="field">
            <label for={ids.parent}>Category</label>
            <select id={ids.parent} value={channel.parent_id || ''} disabled={!manage || moving.busy} onChange={(e) => moveTo(e.currentTarget.value || null)}>
              <option value="">No category</option>
              {cats.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
            <ErrorLine text={moving.error} />
          </div>
        )}
      </form>
      <Overwrites ctx={ctx} guildId={guildId} channel={channel} />
    </div>
  );
}
