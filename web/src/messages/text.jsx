// Message text as components: mentions (<@id>, <@&role>, <#channel>, @everyone, @here) become highlighted names
// and custom emoji (<:name:id>, <a:name:id>) their images; the rest stays plain text (Preact adds text as text
// nodes), for embeds' text; and the custom emoji images of reactions.
import { emojiUrl } from '../media/cdn.js';
import { displayName } from '../store/model.js';

const TOKENS = /<@!?(\d+)>|<@&(\d+)>|<#(\d+)>|<(a?):(\w{2,32}):(\d{1,20})>|@everyone|@here/g;

/** A custom emoji as an image named :name: (its text when the id is not one). */
export function CustomEmoji({ id, name, animated, size = 'inline' }) {
  const src = emojiUrl(id, animated, size === 'big' ? 48 : 22);
  if (!src) return `:${name}:`;
  return <img class={`emoji ${size}`} src={src} alt={`:${name}:`} title={`:${name}:`} draggable="false" />;
}

/** text with its mentions and custom emoji drawn (what content.js's renderContent draws, as components). */
export function PlainContent({ store, text, guildId }) {
  const out = [];
  // A message of nothing but custom emoji shows them large, as Discord does.
  const big = /^(\s*<a?:\w{2,32}:\d{1,20}>)+\s*$/.test(text) && text.split('<').length <= 28;
  let last = 0;
  for (const match of text.matchAll(TOKENS)) {
    if (match.index > last) out.push(text.slice(last, match.index));
    const [whole, userId, roleId, channelId, animated, emojiName, emojiId] = match;
    const key = match.index;
    if (emojiId) {
      out.push(<CustomEmoji key={key} id={emojiId} name={emojiName} animated={animated === 'a'} size={big ? 'big' : 'inline'} />);
    } else if (userId) {
      const me = store.me && userId === store.me.id;
      out.push(
        <span key={key} class={me ? 'mention me' : 'mention'}>
          {'@' + displayName(store, userId, guildId)}
        </span>,
      );
    } else if (roleId) {
      const role = store.guilds.get(guildId)?.roles.get(roleId);
      out.push(
        <span key={key} class="mention">
          {'@' + (role ? role.name : 'role')}
        </span>,
      );
    } else if (channelId) {
      const c = store.channels.get(channelId);
      out.push(
        <span key={key} class="mention">
          {'#' + (c ? c.name : 'channel')}
        </span>,
      );
    } else {
      out.push(
        <span key={key} class="mention">
          {whole}
        </span>,
      );
    }
    last = match.index + whole.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}
