// A message's text drawn from Discord's markdown (parse.js, render.jsx): redrawn when the names it shows
// (members, roles, channels, users) change.
import { useMemo } from 'preact/hooks';
import { useNotices } from '../ui/hooks.js';
import { parseMarkdown } from './parse.js';
import { isJumbo, renderNodes } from './render.jsx';

const NAMES = ['guild', 'members', 'channel', 'user', 'me'];

export function MessageContent({ ctx, message }) {
  useNotices(ctx.store, NAMES);
  const content = message.content || '';
  const tree = useMemo(() => parseMarkdown(content), [content]);
  const guildId = ctx.store.channels.get(message.channel_id)?.guild_id || null;
  const jumbo = isJumbo(tree);
  const env = { ctx, guildId, messageId: message.id, jumbo, spoilers: { n: 0 } };
  return <div class={`content md${jumbo ? ' jumbo' : ''}`}>{renderNodes(tree, env)}</div>;
}
