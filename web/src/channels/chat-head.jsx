// The head of the chat: the open channel's name (a DM's people) and topic; on phones, the buttons that open the
// channel list and the member list as drawers.
import { dmName } from '../store/model.js';
import { currentChannel } from '../store/store.js';
import { useNotices } from '../ui/hooks.js';
import { NotifyButton } from '../notify/notify-dialog.jsx';

export function ChatHead({ ctx, drawer, openDrawer }) {
  const { store } = ctx;
  useNotices(store, ['view', 'open', 'guild', 'channel', 'dms']);
  const c = currentChannel(store);
  return (
    <header class="chat-head">
      <button
        type="button"
        class="icon drawer-button"
        aria-label="Channels"
        aria-controls="nav-drawer"
        aria-expanded={drawer === 'nav' ? 'true' : 'false'}
        onClick={(e) => openDrawer('nav', e.currentTarget)}
      >
        ☰
      </button>
      <div class="chat-title">
        <h2>{c ? (c.guild_id ? `# ${c.name}` : dmName(store, c)) : 'No channel'}</h2>
        {c && c.topic ? <p class="topic">{c.topic}</p> : null}
      </div>
      {c ? <NotifyButton ctx={ctx} target={{ channel: c }} label="Channel notifications" /> : null}
      {store.view.guildId !== null ? (
        <button
          type="button"
          class="icon drawer-button"
          aria-label="Member list"
          aria-controls="members"
          aria-expanded={drawer === 'members' ? 'true' : 'false'}
          onClick={(e) => openDrawer('members', e.currentTarget)}
        >
          👥
        </button>
      ) : null}
    </header>
  );
}
