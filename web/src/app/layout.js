// The main screen: the server rail, the sidebar (channels or DMs, and one's own panel), the chat (its head, the
// connection's state, the messages, who is typing, the composer), the member list and the toast. Each part
// draws itself from the store.
import { createChatHead } from '../channels/chat-head.js';
import { refreshAvatars } from '../content.js';
import { createSidebar } from '../channels/sidebar.js';
import { h, replaceChildren } from '../dom.js';
import { createRail } from '../guilds/rail.js';
import { createMemberList } from '../members/member-list.js';
import { createComposer } from '../messages/composer.js';
import { MessageList } from '../messages/message-list.jsx';
import { Typing } from '../messages/typing.jsx';
import { ConnectionStatus } from './connection-status.jsx';
import { island } from '../ui/island.js';
import { createToast } from './toast.js';

/** ctx: {store, actions} of the session. */
export function mountLayout(root, ctx) {
  // Avatars already drawn (on older messages too) follow a changed one.
  ctx.store.on('user', (id) => refreshAvatars(ctx.store, id));
  replaceChildren(
    root,
    h(
      'div',
      { class: 'app' },
      createRail(ctx),
      createSidebar(ctx),
      h('main', { class: 'chat' }, createChatHead(ctx), island(ConnectionStatus, { ctx }), island(MessageList, { ctx }), island(Typing, { ctx }), createComposer(ctx)),
      createMemberList(ctx),
      createToast(ctx),
    ),
  );
}
