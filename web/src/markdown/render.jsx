// The markdown tree (parse.js) as Preact vnodes: styles, spoilers, headers, subtext, lists, quotes, links, code
// (highlighted), mentions with names from the store, timestamps and emoji. Nothing here makes HTML from text.
import { useState } from 'preact/hooks';
import { displayName, myRoles } from '../store/model.js';
import { emojiUrl } from '../media/cdn.js';
import { highlight, knownLanguage } from './highlight.js';
import { confirmLeaving, linkUrl, textIsUrl } from './links.js';
import { Timestamp } from './timestamp.jsx';

/** The text a subtree reads as (for masked links' text and the jumbo check). */
export function plainText(nodes) {
  if (typeof nodes === 'string') return nodes;
  if (!Array.isArray(nodes)) return nodes && nodes.content !== undefined ? plainText(nodes.content) : '';
  return nodes.map((n) => (n.type === 'text' ? n.content : n.type === 'twemoji' ? n.name : plainText(n.content))).join('');
}

/** At most 27 emoji (custom or unicode) and nothing but spaces between them: shown large, as Discord does. */
export function isJumbo(nodes) {
  let count = 0;
  for (const n of nodes) {
    if (n.type === 'emoji' || n.type === 'twemoji') count++;
    else if (!(n.type === 'text' && !n.content.trim()) && n.type !== 'br') return false;
  }
  return count > 0 && count <= 27;
}

function Spoiler({ ctx, id, children }) {
  const { store } = ctx;
  const [shown, setShown] = useState(store.revealed.has(id));
  if (shown) return <span class="md-spoiler revealed">{children}</span>;
  const reveal = (e) => {
    e.preventDefault();
    e.stopPropagation();
    store.revealed.add(id);
    setShown(true);
  };
  return (
    <span
      class="md-spoiler"
      role="button"
      tabIndex={0}
      aria-label="Spoiler, press to reveal"
      onClick={reveal}
      onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && reveal(e)}
    >
      <span class="md-spoiler-text" aria-hidden="true">
        {children}
      </span>
    </span>
  );
}

function Link({ href, masked, children }) {
  const onClick = (e) => {
    if (!masked || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey) return;
    e.preventDefault();
    confirmLeaving(href);
  };
  return (
    <a class="md-link" href={href} target="_blank" rel="noopener noreferrer" title={masked ? href : undefined} onClick={onClick}>
      {children}
    </a>
  );
}

function CodeBlock({ lang, code }) {
  const known = knownLanguage(lang);
  return (
    <pre class="md-codeblock">
      <code class={known ? `hljs language-${lang.toLowerCase()}` : 'hljs'}>{highlight(code, lang)}</code>
    </pre>
  );
}

function merged(nodes) {
  const out = [];
  for (const n of nodes) {
    const last = out[out.length - 1];
    if (n.type === 'text' && last && last.type === 'text') out[out.length - 1] = { type: 'text', content: last.content + n.content };
    else out.push(n);
  }
  return out;
}

/** env: {ctx, guildId, messageId, jumbo, spoilers: a counter (spoilers' ids are message id and number)}. */
export function renderNodes(nodes, env) {
  if (typeof nodes === 'string') return nodes;
  if (!Array.isArray(nodes)) return null;
  return merged(nodes).map((n, i) => renderNode(n, env, i));
}

function mentionOfUser(env, id) {
  const { store } = env.ctx;
  const me = store.me && store.me.id === id;
  return <span class={me ? 'mention me' : 'mention'} data-user={id}>{'@' + displayName(store, id, env.guildId)}</span>;
}

function mentionOfRole(env, id) {
  const { store } = env.ctx;
  const role = env.guildId && store.guilds.get(env.guildId)?.roles.get(id);
  if (!role) return <span class="mention role">@deleted-role</span>;
  const colour = role.color ? `#${role.color.toString(16).padStart(6, '0')}` : null;
  const mine = myRoles(store, env.guildId).has(id);
  return (
    <span class={`mention role${mine ? ' me' : ''}${colour ? ' coloured' : ''}`} style={colour ? { '--role-color': colour } : undefined}>
      {'@' + role.name}
    </span>
  );
}

function mentionOfChannel(env, id) {
  const { store, actions } = env.ctx;
  const c = store.channels.get(id);
  if (!c || !c.guild_id) return <span class="mention channel">#unknown</span>;
  return (
    <button type="button" class="mention channel" onClick={() => actions.select(c.guild_id, c.id)}>
      {'#' + c.name}
    </button>
  );
}

function customEmoji(n, env) {
  const src = emojiUrl(n.id, n.animated, env.jumbo ? 48 : 22);
  if (!src) return `:${n.name}:`;
  return <img class={`emoji ${env.jumbo ? 'big' : 'inline'}`} src={src} alt={`:${n.name}:`} title={`:${n.name}:`} draggable="false" />;
}

function renderNode(n, env, key) {
  const inner = () => renderNodes(n.content, env);
  switch (n.type) {
    case 'text':
      return n.content;
    case 'br':
    case 'newline':
      return <br key={key} />;
    case 'strong':
      return <strong key={key}>{inner()}</strong>;
    case 'em':
      return <em key={key}>{inner()}</em>;
    case 'underline':
      return <u key={key}>{inner()}</u>;
    case 'strikethrough':
      return <s key={key}>{inner()}</s>;
    case 'spoiler':
      return (
        <Spoiler key={key} ctx={env.ctx} id={`${env.messageId}:${env.spoilers.n++}`}>
          {inner()}
        </Spoiler>
      );
    case 'heading': {
      const Tag = `h${Math.min(3, Math.max(1, n.level))}`;
      return (
        <Tag key={key} class="md-heading">
          {inner()}
        </Tag>
      );
    }
    case 'subtext':
      return (
        <small key={key} class="md-subtext">
          {inner()}
        </small>
      );
    case 'list': {
      const items = n.items.map((item, i) => <li key={i}>{renderNodes(item, env)}</li>);
      return n.ordered ? (
        <ol key={key} class="md-list" start={n.start !== 1 ? n.start : undefined}>
          {items}
        </ol>
      ) : (
        <ul key={key} class="md-list">
          {items}
        </ul>
      );
    }
    case 'blockQuote':
      return (
        <blockquote key={key} class="md-quote">
          {inner()}
        </blockquote>
      );
    case 'inlineCode':
      return (
        <code key={key} class="md-code">
          {n.content}
        </code>
      );
    case 'codeBlock':
      return <CodeBlock key={key} lang={n.lang} code={n.content} />;
    case 'link': {
      const href = linkUrl(n.target);
      // Not an http(s) link: what was written stays text.
      if (!href) return `[${plainText(n.content)}](${n.target})`;
      return (
        <Link key={key} href={href} masked={!textIsUrl(plainText(n.content), href)}>
          {inner()}
        </Link>
      );
    }
    case 'autolink':
    case 'url': {
      const href = linkUrl(n.target);
      if (!href) return n.type === 'autolink' ? `<${n.target}>` : n.target;
      return (
        <Link key={key} href={href}>
          {n.target}
        </Link>
      );
    }
    case 'user':
      return mentionOfUser(env, n.id);
    case 'role':
      return mentionOfRole(env, n.id);
    case 'channel':
      return mentionOfChannel(env, n.id);
    case 'everyone':
      return <span class="mention everyone">@everyone</span>;
    case 'here':
      return <span class="mention everyone">@here</span>;
    case 'timestamp':
      return <Timestamp key={key} seconds={n.timestamp} style={n.format} />;
    case 'emoji':
      return customEmoji(n, env);
    case 'twemoji':
      return (
        <span key={key} class={`md-emoji${env.jumbo ? ' jumbo' : ''}`}>
          {n.name}
        </span>
      );
    default:
      return typeof n.content === 'string' ? n.content : Array.isArray(n.content) ? inner() : null;
  }
}
