// One entry of the channel or DM list: a button that opens it, named with its unread state and mention count
// (a DM's shows the other person's avatar).
import { isUnread } from '../store/model.js';
import { Avatar } from '../ui/avatar.jsx';
import { channelMuted } from '../notify/settings.js';

export function ChannelButton({ ctx, channel: c, label }) {
  const { store, actions } = ctx;
  const muted = channelMuted(store, c); // shows its mentions only
  const unread = !muted && isUnread(c);
  const active = store.view.channelId === c.id;
  const mentions = c.mention_count || 0;
  const parts = [label, muted ? 'muted' : null, unread ? 'unread' : null, mentions ? `${mentions} mention${mentions > 1 ? 's' : ''}` : null];
  let other = null;
  if (!c.guild_id) {
    const them = (c.recipients || []).find((u) => u.id !== store.me.id);
    other = them ? store.users.get(them.id) || them : store.me;
  }
  return (
    <li>
      <button
        class={`channel${active ? ' active' : ''}${unread ? ' unread' : ''}${muted ? ' notify-muted' : ''}`}
        aria-current={active ? 'page' : undefined}
        aria-label={parts.filter(Boolean).join(', ')}
        data-key={c.id}
        onClick={() => actions.select(store.view.guildId, c.id)}
      >
        {other ? <Avatar user={other} size="tiny" /> : null}
        <span class="channel-name">{c.guild_id ? `# ${c.name}` : label}</span>
        {/* The count is drawn by the stylesheet (from data-count): the button's label already says it. */}
        {mentions ? <span class="badge" aria-hidden="true" data-count={String(mentions)} /> : null}
      </button>
    </li>
  );
}
