// One message: what it replies to, author and time, the text (or the edit box), attachments, embeds,
// reactions and the reaction picker, and the Reply, React, Edit and Delete buttons.
import { avatar, formatTime } from '../content.js';
import { h } from '../dom.js';
import { MessageContent } from '../markdown/message-content.jsx';
import { island } from '../ui/island.js';
import { displayName, mentionsMe } from '../store/model.js';
import { attachmentsEl } from './attachments.js';
import { editBox } from './edit-box.js';
import { embedsEl } from './embeds.js';
import { reactionPicker, reactions } from './reactions.js';

function replyRef(store, m, gid) {
  const ref = m.referenced_message;
  if (ref)
    return h('div', { class: 'reply-ref' }, '↱ ', h('strong', {}, displayName(store, ref.author.id, gid)), ' ', ref.content.length > 100 ? ref.content.slice(0, 100) + '…' : ref.content);
  return m.message_reference ? h('div', { class: 'reply-ref' }, '↱ The original message was deleted.') : null;
}

/** The message's article; list is the message list it goes into (the Edit button focuses the box there). */
export function messageEl(ctx, m, list) {
  const { store, actions } = ctx;
  const c = store.channels.get(m.channel_id);
  const gid = c && c.guild_id;
  const name = displayName(store, m.author.id, gid);
  const mine = m.author.id === store.me.id;
  const act = (key, label, onClick) => h('button', { type: 'button', dataset: { key }, onClick }, label);
  return h(
    'article',
    { class: `msg${mentionsMe(store, m) ? ' mentioned' : ''}`, dataset: { id: m.id }, 'aria-label': `${name}, ${formatTime(m.timestamp)}` },
    replyRef(store, m, gid),
    h(
      'div',
      { class: 'msg-head' },
      avatar(store.users.get(m.author.id) || m.author),
      h('span', { class: 'author' }, name),
      h('time', { datetime: m.timestamp }, formatTime(m.timestamp)),
      m.edited_timestamp ? h('span', { class: 'edited' }, '(edited)') : null,
    ),
    store.editing === m.id ? editBox(ctx, m) : m.content ? island(MessageContent, { ctx, message: m }) : null,
    attachmentsEl(ctx, m),
    embedsEl(ctx, m, gid),
    reactions(ctx, m),
    store.reacting === m.id ? reactionPicker(ctx, m) : null,
    h(
      'div',
      { class: 'msg-actions' },
      act('reply', 'Reply', () => actions.replyTo(m)),
      act('react', 'React', () => actions.toggleReacting(m)),
      mine
        ? act('edit', 'Edit', () => {
            actions.startEdit(m);
            list.querySelector(`article[data-id="${m.id}"] textarea`)?.focus();
          })
        : null,
      mine ? act('delete', 'Delete', () => actions.deleteMessage(m)) : null,
    ),
  );
}
