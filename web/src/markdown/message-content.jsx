// A message's text drawn from Discord's markdown (parse.js, render.jsx): redrawn when the names it shows
// (members, roles, channels, users) change, until the message's element leaves the page.
import { useEffect, useMemo, useReducer, useRef } from 'preact/hooks';
import { leftPage } from './gone.js';
import { parseMarkdown } from './parse.js';
import { isJumbo, renderNodes } from './render.jsx';

const NAMES = ['guild', 'members', 'channel', 'user', 'me'];

export function MessageContent({ ctx, message }) {
  const ref = useRef(null);
  const [, redraw] = useReducer((n) => n + 1, 0);
  useEffect(() => {
    const gone = leftPage(ref);
    gone(); // notes that it is in the page now
    const off = ctx.store.on(NAMES, () => (gone() ? off() : redraw()));
    return off;
  }, [ctx.store]);
  const content = message.content || '';
  const tree = useMemo(() => parseMarkdown(content), [content]);
  const guildId = ctx.store.channels.get(message.channel_id)?.guild_id || null;
  const jumbo = isJumbo(tree);
  const env = { ctx, guildId, messageId: message.id, jumbo, spoilers: { n: 0 } };
  return (
    <div ref={ref} class={`content md${jumbo ? ' jumbo' : ''}`}>
      {renderNodes(tree, env)}
    </div>
  );
}
