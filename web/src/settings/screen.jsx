// A full-screen settings screen: a modal <dialog> with a side nav of sections and the chosen one beside it;
// Escape or the close button leaves it, and so does the session ending. The user settings and the guild's
// people settings (until the guild settings screen lists them) are drawn in it.
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

/** Renders Component ({...props, onClose}) in a host over everything; focus goes back where it was on close. */
export function openScreen(ctx, Component, props) {
  const opener = document.activeElement;
  const host = document.createElement('div');
  host.className = 'island';
  document.body.append(host);
  let stop = () => {};
  const close = () => {
    stop();
    render(null, host);
    host.remove();
    if (opener && opener.isConnected) opener.focus();
  };
  stop = ctx.store.on('close', close);
  render(<Component ctx={ctx} {...props} onClose={close} />, host);
  return close;
}

/** sections: [{id, label, Component}] (navLabel names the nav; closeLabel the close button); each section is drawn with {ctx, ...sectionProps, close}. */
export function SettingsScreen({ ctx, title, navLabel, sections, initial, sectionProps, onClose, className = '', closeLabel = 'Close settings' }) {
  const [current, setCurrent] = useState(initial || sections[0].id);
  const ref = useRef(null);
  useEffect(() => {
    const dlg = ref.current;
    if (dlg && !dlg.open) dlg.showModal();
  }, []);
  const section = sections.find((s) => s.id === current) || sections[0];
  const Section = section.Component;
  return (
    <dialog
      ref={ref}
      class={`settings-screen ${className}`}
      aria-label={title}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <nav class="ss-nav" aria-label={navLabel}>
        <p class="ss-nav-title">{navLabel}</p>
        <ul>
          {sections.map((s) => (
            <li key={s.id}>
              <button type="button" class={s.id === section.id ? 'active' : ''} aria-current={s.id === section.id ? 'page' : undefined} onClick={() => setCurrent(s.id)}>
                {s.label}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <div class="ss-main">
        <div class="ss-head">
          <h1>{section.label}</h1>
          <button type="button" class="ss-close" aria-label={closeLabel} title="Close (Escape)" onClick={onClose}>
            ✕
          </button>
        </div>
        <Section key={section.id} ctx={ctx} {...sectionProps} close={onClose} />
      </div>
    </dialog>
  );
}
