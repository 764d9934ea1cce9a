// The main screen: the server rail and the sidebar (channels or DMs, and one's own panel), the chat (its head,
// the connection's state, the messages, who is typing, the composer), the member list and the toast. Each part
// draws itself from the store. On a phone (narrower than 800 px) the rail with the sidebar and the member list
// are drawers, opened by the buttons of the chat's head: Escape or the backdrop closes them, the focus moves
// into an open drawer and back to its button when it closes.
import { render } from 'preact';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { ChatHead } from '../channels/chat-head.jsx';
import { Sidebar } from '../channels/sidebar.jsx';
import { refreshAvatars } from '../content.js';
import { Rail } from '../guilds/rail.jsx';
import { MemberList } from '../members/member-list.jsx';
import { createComposer } from '../messages/composer.js';
import { MessageList } from '../messages/message-list.jsx';
import { Typing } from '../messages/typing.jsx';
import { useNotices } from '../ui/hooks.js';
import { focusables } from '../ui/keys.js';
import { Mount } from '../ui/mount.jsx';
import { ConnectionStatus } from './connection-status.jsx';
import { Toast } from './toast.jsx';
import { Keyboard } from '../keys/keyboard.jsx';
import { startNotify } from '../notify/notifier.js';

/** Where the layout turns into the phone's: keep in step with app/phone.css. */
export const PHONE = '(max-width: 800px)';

/** The open drawer ('nav', 'members' or null) and the functions that open and close it. */
function useDrawer() {
  const [drawer, setDrawer] = useState(null);
  const opener = useRef(null);
  const open = useCallback((name, from) => {
    opener.current = from || document.activeElement;
    setDrawer((now) => (now === name ? null : name));
  }, []);
  const close = useCallback(() => setDrawer(null), []);
  useEffect(() => {
    if (!drawer) {
      if (opener.current && opener.current.isConnected) opener.current.focus();
      opener.current = null;
      return undefined;
    }
    // Escape in a dialog opened from the drawer closes the dialog only.
    const onKey = (e) => e.key === 'Escape' && !document.querySelector('dialog[open]') && close();
    const wide = matchMedia(PHONE);
    const onWide = () => !wide.matches && close();
    document.addEventListener('keydown', onKey);
    wide.addEventListener('change', onWide);
    return () => {
      document.removeEventListener('keydown', onKey);
      wide.removeEventListener('change', onWide);
    };
  }, [drawer]);
  return { drawer, open, close };
}

function Layout({ ctx }) {
  const { store } = ctx;
  useNotices(store, 'view');
  const { drawer, open, close } = useDrawer();
  const nav = useRef(null);
  useEffect(() => store.on('user', (id) => refreshAvatars(store, id)), [store]);
  // The focus moves into the drawer that opened: on the open channel (or member) if there is one.
  useLayoutEffect(() => {
    const el = drawer === 'nav' ? nav.current : drawer === 'members' ? document.getElementById('members') : null;
    if (!el) return;
    const target = el.querySelector('[aria-current="page"].channel') || focusables(el)[0];
    if (target) target.focus();
  }, [drawer]);
  // On a phone, opening a channel or a DM from a drawer closes it.
  const picked = (e) => {
    if (drawer && e.target.closest('button.channel, button.member')) close();
  };
  const noMembers = store.view.guildId === null;
  const cls = `app${noMembers ? ' no-members' : ''}${drawer ? ` drawer-${drawer}` : ''}`;
  return (
    <div class={cls}>
      <Keyboard ctx={ctx} />
      <div class={`nav-drawer${drawer === 'nav' ? ' open' : ''}`} id="nav-drawer" ref={nav} onClick={picked}>
        <Rail ctx={ctx} />
        <Sidebar ctx={ctx} />
      </div>
      <main class="chat" inert={drawer ? true : undefined}>
        <ChatHead ctx={ctx} drawer={drawer} openDrawer={open} />
        <ConnectionStatus ctx={ctx} />
        <MessageList ctx={ctx} />
        <Typing ctx={ctx} />
        <Mount make={() => createComposer(ctx)} />
      </main>
      <div class="members-drawer" onClick={picked}>
        <MemberList ctx={ctx} class={drawer === 'members' ? ' open' : ''} />
      </div>
      {drawer ? <button type="button" class="drawer-backdrop" aria-label="Close the drawer" tabindex={-1} onClick={close} /> : null}
      <Toast ctx={ctx} />
    </div>
  );
}

/** Draws the main screen of the session ctx ({store, actions}) into root; it goes when the session closes. */
export function mountLayout(root, ctx) {
  render(<Layout ctx={ctx} />, root);
  startNotify(ctx);
  ctx.store.on('close', () => render(null, root));
}
