// A message's reactions (pressed when one's own is among them; a press adds or takes back one's own) and the
// picker of reactions to add.
import { h } from '../dom.js';

const REACTIONS = ['👍', '❤️', '😂', '🎉', '😮', '👀'];

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
          'aria-label': `${r.emoji.name} ${r.count}`,
          dataset: { key: `r:${r.emoji.name}` },
          onClick: () => actions.react(m, r.emoji.name, !r.me),
        },
        `${r.emoji.name} ${r.count}`,
      ),
    ),
  );
}

export function reactionPicker({ actions }, m) {
  return h(
    'div',
    { class: 'picker', role: 'group', 'aria-label': 'Pick a reaction' },
    REACTIONS.map((e) => h('button', { type: 'button', 'aria-label': `React with ${e}`, dataset: { key: `p:${e}` }, onClick: () => actions.react(m, e, true) }, e)),
  );
}
