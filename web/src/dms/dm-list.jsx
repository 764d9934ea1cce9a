// The DMs' side of the sidebar: the conversations, the most recently active first.
import { ChannelButton } from '../channels/channel-button.jsx';
import { dmName, sortedDms } from '../store/model.js';

export function DmListHead() {
  return <h1>Direct messages</h1>;
}

export function DmList({ ctx }) {
  const dms = sortedDms(ctx.store);
  if (!dms.length) return <p class="hint">Open a DM from the member list of a server.</p>;
  return (
    <ul>
      {dms.map((c) => (
        <ChannelButton key={c.id} ctx={ctx} channel={c} label={dmName(ctx.store, c)} />
      ))}
    </ul>
  );
}
