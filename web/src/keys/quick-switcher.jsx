// The quick switcher (Ctrl+K): a search box over the channels of every guild, the DMs and the guilds; the letters
// typed match fuzzily (a leading # keeps channels, @ DMs, * servers), Up and Down move through the results, Enter
// opens one (the focus goes to the composer), Escape closes it (the focus goes back where it was).
import { useMemo, useRef, useState } from 'preact/hooks';
import { dmName, isUnread, sortedDms, TEXT } from '../store/model.js';
import { sidebarChannels } from './channel-order.js';
import { fuzzyFilter } from './fuzzy.js';
import { Modal } from './modal.jsx';

const KINDS = { '#': 'channel', '@': 'dm', '*': 'guild' };

/** Everything one can switch to: DMs, then each guild and its channels in the sidebar's order. */
export function switcherItems(store) {
  const items = sortedDms(store).map((c) => ({ key: c.id, kind: 'dm', label: dmName(store, c), detail: 'Direct message', unread: isUnread(c), guildId: null, channelId: c.id }));
  for (const g of store.guilds.values()) {
    const channels = sidebarChannels(store, g.guild.id);
    const unread = [...g.channels.values()].some((c) => c.type === TEXT && isUnread(c));
    items.push({ key: g.guild.id, kind: 'guild', label: g.guild.name, detail: 'Server', unread, guildId: g.guild.id, channelId: null });
    for (const c of channels) items.push({ key: c.id, kind: 'channel', label: c.name, detail: g.guild.name, unread: isUnread(c), guildId: g.guild.id, channelId: c.id });
  }
  return items;
}

/** The results for query: the unread ones first when it is empty. */
export function switcherResults(items, query) {
  let q = query.trim();
  let pool = items;
  const kind = KINDS[q[0]];
  if (kind) {
    pool = items.filter((i) => i.kind === kind);
    q = q.slice(1).trim();
  }
  if (!q) pool = [...pool.filter((i) => i.unread), ...pool.filter((i) => !i.unread)];
  return fuzzyFilter(pool, q, 30);
}

const ICONS = { channel: '#', dm: '@', guild: '★' };

export function QuickSwitcher({ ctx, onClose }) {
  const { store, actions } = ctx;
  const items = useMemo(() => switcherItems(store), [store]);
  const [query, setQuery] = useState('');
  const [at, setAt] = useState(0);
  const returnTo = useRef(null);
  const results = switcherResults(items, query);
  const sel = Math.min(at, results.length - 1);

  const choose = (item) => {
    if (!item) return;
    actions.select(item.guildId, item.channelId || undefined);
    returnTo.current = document.getElementById('composer-input');
    onClose();
  };
  const onKeyDown = (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (results.length) setAt((sel + (e.key === 'ArrowDown' ? 1 : -1) + results.length) % results.length);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      choose(results[sel]);
    }
  };
  const optionId = (item) => `qs-${item.kind}-${item.key}`;
  return (
    <Modal label="Quick switcher" class="switcher" onClose={onClose} returnTo={returnTo}>
      <div class="card">
        <h2 id="qs-title">Where to?</h2>
        <label for="qs-input" class="sr-only">
          Search channels, DMs and servers
        </label>
        <input
          id="qs-input"
          type="text"
          role="combobox"
          autocomplete="off"
          aria-autocomplete="list"
          aria-expanded="true"
          aria-controls="qs-results"
          aria-activedescendant={results[sel] ? optionId(results[sel]) : undefined}
          placeholder="Search channels, DMs and servers"
          value={query}
          onInput={(e) => {
            setQuery(e.currentTarget.value);
            setAt(0);
          }}
          onKeyDown={onKeyDown}
        />
        {results.length ? (
          <ul id="qs-results" role="listbox" aria-label="Results" class="qs-results">
            {results.map((item, i) => (
              <li
                id={optionId(item)}
                key={optionId(item)}
                role="option"
                aria-selected={i === sel ? 'true' : 'false'}
                class={`qs-item${i === sel ? ' selected' : ''}${item.unread ? ' unread' : ''}`}
                onClick={() => choose(item)}
                onMouseMove={() => i !== sel && setAt(i)}
              >
                <span class="qs-icon" aria-hidden="true">
                  {ICONS[item.kind]}
                </span>
                <span class="qs-label">{item.label}</span>
                {item.unread ? <span class="sr-only">, unread</span> : null}
                <span class="qs-detail">{item.detail}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p id="qs-results" class="hint" role="status">
            Nothing matches “{query}”.
          </p>
        )}
        <p class="hint">
          Up and Down choose, Enter opens, Escape closes. Start with # for channels, @ for DMs, * for servers.
        </p>
      </div>
    </Modal>
  );
}
