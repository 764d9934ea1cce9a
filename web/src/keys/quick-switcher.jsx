// The quick switcher (Ctrl+K): a search box over the channels of every guild, the DMs and the guilds; the letters
// typed match fuzzily (a leading # keeps channels, @ DMs, * servers), Up and Down move through the results, Enter
// opens one (the focus goes to the composer), Escape closes it (the focus goes back where it was).
import { useMemo, useRef, useState } from 'preact/hooks';
import { Modal } from './modal.jsx';
import { switcherItems, switcherResults } from './switcher-items.js';

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
