// The head of the chat: the open channel's name (a DM's people) and topic.
import { h, replaceChildren } from '../dom.js';
import { dmName } from '../store/model.js';
import { currentChannel } from '../store/store.js';
import { notifyButtonProps } from '../notify/notify-dialog.jsx';

export function createChatHead(ctx) {
  const { store } = ctx;
  const el = h('header', { class: 'chat-head' });
  const render = () => {
    const c = currentChannel(store);
    replaceChildren(
      el,
      c ? h('h2', {}, c.guild_id ? `# ${c.name}` : dmName(store, c)) : h('h2', {}, 'No channel'),
      c && c.topic ? h('p', { class: 'topic' }, c.topic) : null,
      c ? h('button', notifyButtonProps(ctx, { channel: c }, 'Channel notifications'), '🔔') : null,
    );
  };
  store.on(['view', 'open'], render);
  store.on('guild', (id) => id === store.view.guildId && render());
  store.on('channel', (c) => c.id === store.view.channelId && render());
  return el;
}
