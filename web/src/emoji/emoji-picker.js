// The composer's emoji picker: a button that opens a panel of a few standard emoji and the open guild's custom
// emoji (asked anew from the server on opening, kept live by GUILD_EMOJIS_UPDATE); a pick inserts the emoji
// (<:name:id> for a custom one) and closes the panel. Escape closes it too, giving the focus back to the button.
import { customEmoji } from '../content.js';
import { h, replaceChildren } from '../dom.js';
import { usableEmojis } from '../store/model.js';

const STANDARD = ['😀', '😂', '😊', '😍', '🤔', '😎', '😢', '😡', '👍', '👎', '👏', '🙏', '🎉', '❤️', '🔥', '✅', '👀', '💯'];

/** The text a custom emoji is written as in message content. */
export function emojiMarkup(e) {
  return `<${e.animated ? 'a' : ''}:${e.name}:${e.id}>`;
}

/** onPick(text) inserts the emoji's text. Returns the element (button and panel). */
export function createEmojiPicker({ store, actions }, onPick) {
  const panel = h('div', { class: 'emoji-panel', role: 'dialog', 'aria-label': 'Emoji', hidden: true });
  const toggle = h('button', { type: 'button', class: 'icon', 'aria-label': 'Emoji', 'aria-expanded': 'false', title: 'Emoji' }, '😊');

  const close = (refocus) => {
    panel.hidden = true;
    toggle.setAttribute('aria-expanded', 'false');
    if (refocus) toggle.focus();
  };
  const pick = (text) => {
    onPick(text);
    close(false);
  };
  const render = () => {
    const gid = store.view.guildId;
    const custom = usableEmojis(store, gid);
    replaceChildren(
      panel,
      h('h3', {}, 'Emoji'),
      h('div', { class: 'emoji-grid' }, STANDARD.map((e) => h('button', { type: 'button', 'aria-label': e, dataset: { key: `e:${e}` }, onClick: () => pick(e) }, e))),
      gid ? h('h3', {}, 'This server') : null,
      gid
        ? custom.length
          ? h(
              'div',
              { class: 'emoji-grid' },
              custom.map((e) =>
                h('button', { type: 'button', 'aria-label': `:${e.name}:`, title: `:${e.name}:`, dataset: { key: `e:${e.id}` }, onClick: () => pick(emojiMarkup(e)) }, customEmoji(e.id, e.name, !!e.animated)),
              ),
            )
          : h('p', { class: 'hint' }, 'No custom emoji yet.')
        : null,
    );
  };
  toggle.addEventListener('click', () => {
    if (!panel.hidden) return close(true);
    render();
    panel.hidden = false;
    toggle.setAttribute('aria-expanded', 'true');
    panel.querySelector('button')?.focus();
    if (store.view.guildId) actions.loadEmojis(store.view.guildId);
  });
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      close(true);
    }
  });
  store.on('emojis', (gid) => gid === store.view.guildId && !panel.hidden && render());
  store.on('view', () => close(false));
  return h('div', { class: 'emoji-picker' }, toggle, panel);
}
