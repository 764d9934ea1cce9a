// The composer: the message box for the open channel (Enter sends, Shift+Enter a new line), the reply bar
// (Escape or Cancel drops the reply), and typing notices sent at most every eight seconds. A message that
// could not be sent comes back into the box.
import { h, replaceChildren } from '../dom.js';
import { displayName, dmName } from '../store/model.js';
import { currentChannel } from '../store/store.js';

export function createComposer({ store, actions }) {
  const form = h('form', { class: 'composer' });
  const replyBar = h('div', { class: 'reply-bar' });
  const input = h('textarea', { id: 'composer-input', rows: 1, maxlength: 2000, autocomplete: 'off' });
  const label = h('label', { for: 'composer-input', class: 'sr-only' }, 'Message');
  let lastTyping = 0;

  function send() {
    const content = input.value.trim();
    if (!currentChannel(store) || !content) return;
    input.value = '';
    lastTyping = 0;
    actions.send(content).then((sent) => {
      if (!sent && !input.value) input.value = content;
    });
  }

  function render() {
    const c = currentChannel(store);
    const text = c ? `Message ${c.guild_id ? '#' + c.name : dmName(store, c)}` : 'Message';
    label.textContent = text;
    input.placeholder = text;
    input.disabled = !c;
    const r = store.replyTo;
    replaceChildren(
      replyBar,
      r
        ? [
            h('span', {}, 'Replying to ', h('strong', {}, displayName(store, r.author.id, c && c.guild_id))),
            h('button', { type: 'button', class: 'link', onClick: () => actions.replyTo(null) }, 'Cancel reply'),
          ]
        : null,
    );
    replyBar.hidden = !r;
  }

  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      send();
    } else if (e.key === 'Escape' && store.replyTo) {
      actions.replyTo(null);
    }
  });
  input.addEventListener('input', () => {
    const c = currentChannel(store);
    if (c && input.value && Date.now() - lastTyping > 8000) {
      lastTyping = Date.now();
      actions.typing(c.id);
    }
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    send();
  });
  form.append(replyBar, h('div', { class: 'compose-row' }, label, input, h('button', { type: 'submit', class: 'primary' }, 'Send')));

  store.on(['view', 'reply'], render);
  store.on('reply', () => store.replyTo && input.focus());
  store.on('guild', (id) => id === store.view.guildId && render());
  store.on('channel', (c) => c.id === store.view.channelId && render());
  return form;
}
