// A message's reactions (pressed when one's own is among them; a press adds or takes back one's own; custom
// emoji shown as their images) and the picker of reactions to add (a few standard ones and the guild's own).
import { emojiKey, usableEmojis } from '../store/model.js';
import { reactionParam } from './helpers.js';
import { CustomEmoji } from './text.jsx';

const REACTIONS = ['👍', '❤️', '😂', '🎉', '😮', '👀'];

const label = (emoji) => (emoji.id ? `:${emoji.name}:` : emoji.name);

export function Reactions({ ctx, m }) {
  if (!m.reactions || !m.reactions.length) return null;
  return (
    <div class="reactions">
      {m.reactions.map((r) => (
        <button
          key={emojiKey(r.emoji)}
          type="button"
          class={`reaction${r.me ? ' mine' : ''}`}
          aria-pressed={r.me ? 'true' : 'false'}
          aria-label={`${label(r.emoji)} ${r.count}`}
          data-key={`r:${emojiKey(r.emoji)}`}
          onClick={() => ctx.actions.react(m, reactionParam(r.emoji), !r.me)}
        >
          {r.emoji.id ? <CustomEmoji id={r.emoji.id} name={r.emoji.name} animated={!!r.emoji.animated} /> : r.emoji.name}
          {` ${r.count}`}
        </button>
      ))}
    </div>
  );
}

export function ReactionPicker({ ctx, m }) {
  const { store, actions } = ctx;
  const gid = store.channels.get(m.channel_id)?.guild_id;
  return (
    <div class="picker" role="group" aria-label="Pick a reaction">
      {REACTIONS.map((e) => (
        <button key={e} type="button" aria-label={`React with ${e}`} data-key={`p:${e}`} onClick={() => actions.react(m, e, true)}>
          {e}
        </button>
      ))}
      {usableEmojis(store, gid).map((e) => (
        <button key={e.id} type="button" aria-label={`React with :${e.name}:`} data-key={`p:${e.id}`} onClick={() => actions.react(m, reactionParam(e), true)}>
          <CustomEmoji id={e.id} name={e.name} animated={!!e.animated} />
        </button>
      ))}
    </div>
  );
}
