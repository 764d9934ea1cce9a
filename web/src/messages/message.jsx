// One message: what it replies to, author and time (only at the head of a group: the others show their time on
// hover), the text (or the edit box) with its "(edited)" mark, attachments, embeds, reactions and the reaction
// picker, and the Reply, React, Edit and Delete buttons.
import { Component } from 'preact';
import { formatTime } from '../content.js';
import { MessageContent } from '../markdown/message-content.jsx';
import { displayName, mentionsMe } from '../store/model.js';
import { Avatar } from '../ui/avatar.jsx';
import { Attachments } from './attachments.jsx';
import { EditBox } from './edit-box.jsx';
import { Embeds } from './embeds.jsx';
import { ReactionPicker, Reactions } from './reactions.jsx';

/** The message's text (its .content element): the one place that chooses how content is drawn. */
function Content({ ctx, message }) {
  return <MessageContent ctx={ctx} message={message} />;
}

function ReplyRef({ store, m, gid }) {
  const ref = m.referenced_message;
  if (ref)
    return (
      <div class="reply-ref">
        {'↱ '}
        <strong>{displayName(store, ref.author.id, gid)}</strong> {ref.content.length > 100 ? ref.content.slice(0, 100) + '…' : ref.content}
      </div>
    );
  return m.message_reference ? <div class="reply-ref">↱ The original message was deleted.</div> : null;
}

const shortTime = (iso) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

function Edited({ m }) {
  if (!m.edited_timestamp) return null;
  return (
    <span class="edited" title={`Edited ${new Date(m.edited_timestamp).toLocaleString()}`}>
      (edited)
    </span>
  );
}

/** m drawn as the head of a group (head) or inside one; version changes whenever it is to be drawn again. */
function MessageView({ ctx, m, head }) {
  const { store, actions } = ctx;
  const gid = store.channels.get(m.channel_id)?.guild_id;
  const name = displayName(store, m.author.id, gid);
  const mine = m.author.id === store.me.id;
  const editing = store.editing === m.id;
  const act = (key, label, onClick) => (
    <button type="button" data-key={key} onClick={onClick}>
      {label}
    </button>
  );
  return (
    <article class={`msg${head ? '' : ' grouped'}${mentionsMe(store, m) ? ' mentioned' : ''}`} data-id={m.id} aria-label={`${name}, ${formatTime(m.timestamp)}`}>
      {head ? <ReplyRef store={store} m={m} gid={gid} /> : null}
      {head ? (
        <div class="msg-head">
          <Avatar user={store.users.get(m.author.id) || m.author} />
          <span class="author">{name}</span>
          <time datetime={m.timestamp}>{formatTime(m.timestamp)}</time>
          <Edited m={m} />
        </div>
      ) : (
        <time class="hover-time" datetime={m.timestamp} title={new Date(m.timestamp).toLocaleString()}>
          {shortTime(m.timestamp)}
        </time>
      )}
      {editing ? (
        <EditBox ctx={ctx} m={m} />
      ) : m.content ? (
        <Content ctx={ctx} message={m} />
      ) : null}
      {!head && !editing ? <Edited m={m} /> : null}
      <Attachments ctx={ctx} m={m} />
      <Embeds ctx={ctx} m={m} guildId={gid} />
      <Reactions ctx={ctx} m={m} />
      {store.reacting === m.id ? <ReactionPicker ctx={ctx} m={m} /> : null}
      <div class="msg-actions">
        {act('reply', 'Reply', () => actions.replyTo(m))}
        {act('react', 'React', () => actions.toggleReacting(m))}
        {mine ? act('edit', 'Edit', () => actions.startEdit(m)) : null}
        {mine ? act('delete', 'Delete', () => actions.deleteMessage(m)) : null}
      </div>
    </article>
  );
}

/** Drawn again only when its message, its place in a group or its version changed (the store changes message
 * objects in place, so the list counts versions). */
export class Message extends Component {
  shouldComponentUpdate(next) {
    const now = this.props;
    return next.m !== now.m || next.head !== now.head || next.version !== now.version;
  }

  render(props) {
    return <MessageView {...props} />;
  }
}
