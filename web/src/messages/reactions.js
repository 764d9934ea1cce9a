// A message's reactions (pressed when one's own is among them; a press adds or takes back one's own; custom
// emoji shown as their images) and the picker of reactions to add (a few standard ones and the guild's own).
import { customEmoji } from '../content.js';
import { h } from '../dom.js';
import { emojiKey, usableEmojis } from '../store/model.js';

const REACTIONS = ['👍', '❤️', '😂', '🎉', '😮', '👀'];

/** How the reaction API names an emoji: its text, or name:id for a custom one. */
export function reactionParam(emoji) {
  return emoji.id ? `${emoji.name}:${emoji.id}` : emoji.name;
}

const label = (emoji) => (emoji.id ? `:${emoji.name}:` : emoji.name);

export function reactions({ actions }, m) {
  if (!m.reactions || !m.reactions.length) return null;
  return h(
    'div',
    { class: 'reactions' },
    m.reactions.map((r) =>
      h(
        'button',
        {
          type: 'button',
          class: `reaction${r.me ? ' mine' : ''}`,
          'aria-pressed': r.me ? 'true' : 'false',
          'aria-label': `${label(r.emoji)} ${r.count}`,
          dataset: { key: `r:${emojiKey(r.emoji)}` },
          onClick: () => actions.react(m, reactionParam(r.emoji), !r.me),
        },
        r.emoji.id ? customEmoji(r.emoji.id, r.emoji.name, !!r.emoji.animated) : r.emoji.name,
        ` ${r.count}`,
      ),
    ),
  );
}

export function reactionPicker({ store, actions }, m) {
  const gid = store.channels.get(m.channel_id)?.guild_id;
  return h(
    'div',
    { class: 'picker', role: 'group', 'aria-label': 'Pick a reaction' },
    REACTIONS.map((e) => h('button', { type: 'button', 'aria-label': `React with ${e}`, dataset: { key: `p:${e}` }, onClick: () => actions.react(m, e, true) }, e)),
    usableEmojis(store, gid).map((e) =>
      h(
        'button',
        { type: 'button', 'aria-label': `React with :${e.name}:`, dataset: { key: `p:${e.id}` }, onClick: () => actions.react(m, reactionParam(e), true) },
        customEmoji(e.id, e.name, !!e.animated),
      ),
    ),
  );
}
