// The guild settings screen: a full-screen modal with a side nav of sections (sections.js) and the chosen one
// beside it. Opened from the guild's head; Escape or the close button leaves it, and so does the guild going
// away (deleted, left). It redraws on the store's notices about the guild, its roles, channels and members.
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useNotices } from '../../ui/hooks.js';
import { SECTIONS } from './sections.js';

/** Opens the screen for guildId over everything; focus goes back where it was when it closes. */
export function openGuildSettings(ctx, guildId, sectionId) {
  const opener = document.activeElement;
  const host = document.createElement('div');
  host.className = 'island';
  document.body.append(host);
  let stop = () => {};
  const close = () => {
    stop();
    render(null, host);
    host.remove();
    // The opener may have been drawn anew meanwhile (the guild's head redraws on changes): its successor then.
    const label = opener?.getAttribute?.('aria-label');
    const target = opener?.isConnected ? opener : label && document.querySelector(`button[aria-label="${CSS.escape(label)}"]`);
    target?.focus();
  };
  stop = ctx.store.on('close', close);
  render(<GuildSettings ctx={ctx} guildId={guildId} initial={sectionId} onClose={close} />, host);
  return close;
}

export function GuildSettings({ ctx, guildId, initial, onClose }) {
  const { store } = ctx;
  useNotices(store, ['view', 'guild', 'roles', 'channel', 'members', 'me']);
  const [current, setCurrent] = useState(initial || SECTIONS[0].id);
  const ref = useRef(null);
  const g = store.guilds.get(guildId);
  useEffect(() => {
    const dlg = ref.current;
    if (dlg && !dlg.open) dlg.showModal();
  }, []);
  useEffect(() => {
    if (!g) onClose();
  }, [g]);
  if (!g) return null;
  const shown = SECTIONS.filter((s) => !s.visible || s.visible(store, guildId));
  const section = shown.find((s) => s.id === current) || shown[0];
  const Section = section.Component;
  return (
    <dialog
      ref={ref}
      class="guild-settings"
      aria-label={`${g.guild.name}: server settings`}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <nav class="gs-nav" aria-label="Server settings">
        <p class="gs-nav-title">{g.guild.name}</p>
        <ul>
          {shown.map((s) => (
            <li key={s.id}>
              <button type="button" class={s.id === section.id ? 'active' : ''} aria-current={s.id === section.id ? 'page' : undefined} onClick={() => setCurrent(s.id)}>
                {s.label}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <div class="gs-main">
        <div class="gs-head">
          <h1>{section.label}</h1>
          <button type="button" class="gs-close" aria-label="Close server settings" title="Close (Escape)" onClick={onClose}>
            ✕
          </button>
        </div>
        <Section key={section.id} ctx={ctx} guildId={guildId} close={onClose} />
      </div>
    </dialog>
  );
}
