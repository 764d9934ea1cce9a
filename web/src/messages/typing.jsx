// Who is typing in the open channel; notices expire after ten seconds, so the line is also drawn every second.
import { useEffect, useReducer } from 'preact/hooks';
import { displayName } from '../store/model.js';
import { currentChannel } from '../store/store.js';
import { useNotices } from '../ui/hooks.js';

function typingText(store) {
  const now = Date.now();
  const who = [];
  const typing = store.typing.get(store.view.channelId);
  for (const [userId, until] of typing || []) {
    if (until > now) who.push(displayName(store, userId, currentChannel(store)?.guild_id));
    else typing.delete(userId);
  }
  if (who.length === 0) return '';
  if (who.length === 1) return `${who[0]} is typing…`;
  return who.length < 4 ? `${who.join(', ')} are typing…` : 'Several people are typing…';
}

export function Typing({ ctx }) {
  const { store } = ctx;
  useNotices(store, ['open', 'typing']);
  const [, tick] = useReducer((n) => n + 1, 0);
  useEffect(() => {
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <div class="typing" aria-live="polite">
      {typingText(store)}
    </div>
  );
}
