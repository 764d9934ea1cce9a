// The composer: the message box for the open channel (Enter sends, Shift+Enter a new line), the reply bar
// (Escape or Cancel drops the reply), files attached by the button, by paste or by dropping them on the box
// (their chips and the upload's progress in the tray above), the emoji picker, and typing notices sent at most
// every eight seconds. A message that could not be sent comes back into the box, with its files. Completions
// (completions.jsx) offer emoji for :shortcode:, members for @name and channels for #name.
import { createEmojiPicker } from '../emoji/emoji-picker.js';
import { h, replaceChildren } from '../dom.js';
import { displayName, dmName } from '../store/model.js';
import { currentChannel } from '../store/store.js';
import { createAttachTray } from './attach-tray.js';
import { Completions } from './completions.jsx';
import { island } from '../ui/island.js';

export function createComposer(ctx) {
  const { store, actions } = ctx;
  const form = h('form', { class: 'composer' });
  const replyBar = h('div', { class: 'reply-bar' });
  const input = h('textarea', {
    id: 'composer-input',
    rows: 1,
    maxlength: 2000,
    autocomplete: 'off',
    role: 'combobox',
    'aria-autocomplete': 'list',
    'aria-controls': 'composer-completions',
    'aria-expanded': 'false',
  });
  const label = h('label', { for: 'composer-input', class: 'sr-only' }, 'Message');
  const files = h('input', { type: 'file', multiple: true, class: 'sr-only', tabindex: -1, 'aria-label': 'Attach files' });
  const attach = h('button', { type: 'button', class: 'icon attach', 'aria-label': 'Attach files', title: 'Attach files' }, '📎');
  let lastTyping = 0;

  function send() {
    const c = currentChannel(store);
    const content = input.value.trim();
    if (!c || (!content && !store.drafts.get(c.id)?.length)) return;
    input.value = '';
    lastTyping = 0;
    actions.send(content).then((sent) => {
      if (!sent && !input.value) input.value = content;
    });
  }

  /** Puts text where the caret is (the emoji picker's picks). */
  function insert(text) {
    const start = input.selectionStart ?? input.value.length;
    const end = input.selectionEnd ?? start;
    input.setRangeText(text, start, end, 'end');
    input.focus();
  }

  function render() {
    const c = currentChannel(store);
    const text = c ? `Message ${c.guild_id ? '#' + c.name : dmName(store, c)}` : 'Message';
    label.textContent = text;
    input.placeholder = text;
    input.disabled = attach.disabled = !c;
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

  const attachTo = (list) => list && list.length && actions.attachFiles(store.view.channelId, list);
  attach.addEventListener('click', () => files.click());
  files.addEventListener('change', () => {
    attachTo(files.files);
    files.value = '';
    input.focus();
  });
  input.addEventListener('paste', (e) => {
    const pasted = e.clipboardData && [...e.clipboardData.files];
    if (pasted && pasted.length) {
      e.preventDefault();
      attachTo(pasted);
    }
  });
  // Files dropped anywhere on the composer are attached; the box shows it takes them while they hover.
  const carriesFiles = (e) => e.dataTransfer && [...e.dataTransfer.types].includes('Files');
  form.addEventListener('dragover', (e) => {
    if (!carriesFiles(e) || !currentChannel(store)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    form.classList.add('dropping');
  });
  form.addEventListener('dragleave', (e) => {
    if (!form.contains(e.relatedTarget)) form.classList.remove('dropping');
  });
  form.addEventListener('drop', (e) => {
    form.classList.remove('dropping');
    if (!e.dataTransfer || !e.dataTransfer.files.length) return;
    e.preventDefault();
    attachTo(e.dataTransfer.files);
  });

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
  form.append(
    replyBar,
    createAttachTray(ctx),
    island(Completions, { ctx, input }),
    h('div', { class: 'compose-row' }, attach, files, label, input, createEmojiPicker(ctx, insert), h('button', { type: 'submit', class: 'primary' }, 'Send')),
  );

  store.on(['view', 'reply'], render);
  store.on('reply', () => store.replyTo && input.focus());
  store.on('guild', (id) => id === store.view.guildId && render());
  store.on('channel', (c) => c.id === store.view.channelId && render());
  return form;
}
