// One entry of the channel or DM list: a button that opens it, named with its unread state and mention count
// (a DM's shows the other person's avatar).
import { avatar } from '../content.js';
import { h } from '../dom.js';
import { isUnread } from '../store/model.js';
import { channelMuted } from '../notify/settings.js';

export function channelButton({ store, actions }, c, label) {
  const muted = channelMuted(store, c); // shows its mentions only
  const unread = !muted && isUnread(c);
  const active = store.view.channelId === c.id;
  const mentions = c.mention_count || 0;
  const parts = [label, muted ? 'muted' : null, unread ? 'unread' : null, mentions ? `${mentions} mention${mentions > 1 ? 's' : ''}` : null];
  return h(
    'li',
    {},
    h(
      'button',
      {
        class: `channel${active ? ' active' : ''}${unread ? ' unread' : ''}${muted ? ' notify-muted' : ''}`,
        'aria-current': active ? 'page' : null,
        'aria-label': parts.filter(Boolean).join(', '),
        dataset: { key: c.id },
        onClick: () => actions.select(store.view.guildId, c.id),
      },
      c.guild_id ? null : dmAvatar(store, c),
      h('span', { class: 'channel-name' }, c.guild_id ? `# ${c.name}` : label),
      mentions ? h('span', { class: 'badge', 'aria-hidden': 'true' }, String(mentions)) : null,
    ),
  );
}

function dmAvatar(store, c) {
  const other = (c.recipients || []).find((u) => u.id !== store.me.id);
  return avatar(other ? store.users.get(other.id) || other : store.me, 'tiny');
}
