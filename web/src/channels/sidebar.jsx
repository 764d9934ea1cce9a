// The sidebar: the open guild's channels (or the DMs), and one's own panel below them. Up and Down move among
// the channels.
import { DmList, DmListHead } from '../dms/dm-list.jsx';
import { createMePanel } from '../settings/me-panel.js';
import { useNotices } from '../ui/hooks.js';
import { arrowKeys } from '../ui/keys.js';
import { Mount } from '../ui/mount.jsx';
import { ChannelList, ChannelListHead } from './channel-list.jsx';

const onKeyDown = arrowKeys('button.channel');

export function Sidebar({ ctx }) {
  const { store } = ctx;
  useNotices(store, ['view', 'unread', 'guild', 'channel', 'dms', 'me', 'user']);
  const dms = store.view.guildId === null;
  const g = dms ? null : store.guilds.get(store.view.guildId);
  return (
    <aside class="sidebar" id="sidebar">
      <header class="side-head">{dms ? <DmListHead /> : g ? <ChannelListHead ctx={ctx} g={g} /> : null}</header>
      <nav class="channels" aria-label="Channels" onKeyDown={onKeyDown}>
        {dms ? <DmList ctx={ctx} /> : g ? <ChannelList ctx={ctx} g={g} /> : null}
      </nav>
      <Mount make={() => createMePanel(ctx)} />
    </aside>
  );
}
