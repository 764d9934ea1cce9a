// The composer's completions: typing :sm (two letters at least) lists matching emoji (the guild's custom ones
// first), @na members (and @everyone, @here), #ge the guild's text channels. Up and Down move, Tab or Enter
// pick (inserting the emoji, <@id> or <#id>), Escape closes; a click picks too. The box is a combobox whose
// listbox this is.
import { useEffect, useLayoutEffect, useState } from 'preact/hooks';
import { SHORTCODES } from '../emoji/shortcodes.js';
import { emojiMarkup } from '../emoji/emoji-picker.js';
import { emojiUrl } from '../media/cdn.js';
import { displayName, TEXT, usableEmojis } from '../store/model.js';
import { currentChannel } from '../store/store.js';

const TOKEN = /(?:^|\s)([:@#])([\p{L}\p{N}_.-]*)$/u;
const MAX = 10;

function ranked(list, q, name) {
  // Names starting with the text first, the shortest of them first (:smi offers :smile: before :smiley:).
  const starts = list.filter((x) => name(x).toLowerCase().startsWith(q)).sort((a, b) => name(a).length - name(b).length);
  const inside = list.filter((x) => !name(x).toLowerCase().startsWith(q) && name(x).toLowerCase().includes(q));
  return [...starts, ...inside].slice(0, MAX);
}

/** What to offer for the text before the caret: {start, items: [{key, label, insert, img?, glyph?}]} or null. */
export function completionsFor(store, before) {
  const m = TOKEN.exec(before);
  if (!m) return null;
  const [, sigil, text] = m;
  const q = text.toLowerCase();
  const start = before.length - text.length - 1;
  const c = currentChannel(store);
  const gid = c && c.guild_id;
  let items = [];
  if (sigil === ':') {
    if (q.length < 2) return null;
    const custom = ranked(usableEmojis(store, gid), q, (e) => e.name).map((e) => ({
      key: `e:${e.id}`,
      label: `:${e.name}:`,
      insert: emojiMarkup(e),
      img: emojiUrl(e.id, !!e.animated, 22),
    }));
    const std = ranked(SHORTCODES, q, ([n]) => n).map(([n, g]) => ({ key: `s:${n}`, label: `:${n}:`, insert: g, glyph: g }));
    items = [...custom, ...std].slice(0, MAX);
  } else if (sigil === '@') {
    const g = gid && store.guilds.get(gid);
    const ids = g ? [...g.members.keys()] : c ? (c.recipients || []).map((u) => u.id).concat(store.me.id) : [];
    const people = ids.map((id) => ({ id, name: displayName(store, id, gid), user: store.users.get(id) }));
    const named = (p) => `${p.name} ${p.user ? p.user.username : ''}`;
    items = ranked(people, q, named).map((p) => ({
      key: `u:${p.id}`,
      label: `@${p.name}`,
      hint: p.user && p.user.username !== p.name ? p.user.username : '',
      insert: `<@${p.id}>`,
    }));
    if (gid) for (const word of ['everyone', 'here']) if (word.startsWith(q) && items.length < MAX) items.push({ key: `w:${word}`, label: `@${word}`, insert: `@${word}` });
  } else {
    const g = gid && store.guilds.get(gid);
    if (!g) return null;
    const channels = [...g.channels.values()].filter((x) => x.type === TEXT);
    items = ranked(channels, q, (x) => x.name).map((x) => ({ key: `c:${x.id}`, label: `#${x.name}`, insert: `<#${x.id}>` }));
  }
  return items.length ? { start, items } : null;
}

export function Completions({ ctx, input }) {
  const [open, setOpen] = useState(null); // {start, items}
  const [index, setIndex] = useState(0);

  useEffect(() => {
    const update = () => {
      const caret = input.selectionStart;
      const found = caret === input.selectionEnd ? completionsFor(ctx.store, input.value.slice(0, caret)) : null;
      setOpen(found);
      setIndex(0);
    };
    const close = () => setOpen(null);
    input.addEventListener('input', update);
    input.addEventListener('blur', close);
    const offView = ctx.store.on('view', close);
    return () => {
      input.removeEventListener('input', update);
      input.removeEventListener('blur', close);
      offView();
    };
  }, [input]);

  const pick = (item) => {
    const caret = input.selectionStart;
    input.setRangeText(item.insert + ' ', open.start, caret, 'end');
    setOpen(null);
    input.focus();
  };

  // A layout effect: the box's keys and its aria-expanded follow the list as soon as it is drawn or gone.
  useLayoutEffect(() => {
    // Captured before the composer's own keys (Enter sends, Escape drops the reply) while the list is open.
    const keys = (e) => {
      if (!open) return;
      const n = open.items.length;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') setIndex((i) => (i + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
      else if ((e.key === 'Enter' && !e.shiftKey) || e.key === 'Tab') pick(open.items[Math.min(index, n - 1)]);
      else if (e.key === 'Escape') setOpen(null);
      else return;
      e.preventDefault();
      e.stopImmediatePropagation();
    };
    input.addEventListener('keydown', keys, true);
    input.setAttribute('aria-expanded', open ? 'true' : 'false');
    if (open) input.setAttribute('aria-activedescendant', `completion-${index}`);
    else input.removeAttribute('aria-activedescendant');
    return () => input.removeEventListener('keydown', keys, true);
  });

  if (!open) return null;
  return (
    <ul class="completions" id="composer-completions" role="listbox" aria-label="Suggestions">
      {open.items.map((item, i) => (
        <li
          key={item.key}
          id={`completion-${i}`}
          role="option"
          aria-selected={i === index ? 'true' : 'false'}
          class={i === index ? 'selected' : undefined}
          data-key={item.key}
          onMouseDown={(e) => {
            e.preventDefault();
            pick(item);
          }}
        >
          {item.img ? <img class="emoji inline" src={item.img} alt="" /> : item.glyph ? <span class="completion-glyph" aria-hidden="true">
              {item.glyph}
            </span> : null}
          <span class="completion-label">{item.label}</span>
          {item.hint ? <span class="completion-hint">{item.hint}</span> : null}
        </li>
      ))}
    </ul>
  );
}
