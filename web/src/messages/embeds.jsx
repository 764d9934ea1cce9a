// A message's rich embeds as Discord draws them: the colour bar, author (icon, linked name), title (a link when
// it has a url), description, fields (inline ones side by side, three to a row), image, thumbnail, footer (icon,
// text) and timestamp. Everything is text nodes and checked links; nothing from the server is parsed as HTML.
import { fitBox, safeUrl } from '../media/cdn.js';
import { PlainContent } from './text.jsx';

const str = (v, max) => (typeof v === 'string' && v ? v.slice(0, max) : null);

function Link({ url, text, cls }) {
  const href = safeUrl(url);
  return href ? (
    <a href={href} class={cls} target="_blank" rel="noopener noreferrer">
      {text}
    </a>
  ) : (
    <span class={cls}>{text}</span>
  );
}

/** An embed's picture: its proxy (our server) when it has one, at its size scaled into the box. */
function picture(media, cls, maxW, maxH) {
  const src = media && (safeUrl(media.proxy_url) || safeUrl(media.url));
  if (!src) return null;
  const size = fitBox(Number(media.width), Number(media.height), maxW, maxH);
  return <img class={cls} src={src} alt="" width={size && size.width} height={size && size.height} loading="lazy" referrerpolicy="no-referrer" />;
}

function Author({ a }) {
  const name = a && str(a.name, 256);
  if (!name) return null;
  const icon = safeUrl(a.proxy_icon_url) || safeUrl(a.icon_url);
  return (
    <div class="embed-author">
      {icon ? <img class="embed-icon" src={icon} alt="" referrerpolicy="no-referrer" /> : null}
      <Link url={a.url} text={name} cls="embed-author-name" />
    </div>
  );
}

function Fields({ store, list, guildId }) {
  if (!Array.isArray(list) || !list.length) return null;
  return (
    <div class="embed-fields">
      {list.slice(0, 25).map((f, i) => (
        <div key={i} class={`embed-field${f && f.inline ? ' inline' : ''}`}>
          <div class="embed-field-name">{str(f && f.name, 256) || ''}</div>
          <div class="embed-field-value">
            <PlainContent store={store} text={str(f && f.value, 1024) || ''} guildId={guildId} />
          </div>
        </div>
      ))}
    </div>
  );
}

function Footer({ e }) {
  const text = e.footer && str(e.footer.text, 2048);
  const when = e.timestamp && !Number.isNaN(Date.parse(e.timestamp)) ? new Date(e.timestamp) : null;
  if (!text && !when) return null;
  const icon = e.footer && (safeUrl(e.footer.proxy_icon_url) || safeUrl(e.footer.icon_url));
  return (
    <div class="embed-footer">
      {icon ? <img class="embed-icon" src={icon} alt="" referrerpolicy="no-referrer" /> : null}
      {text ? <span>{text}</span> : null}
      {text && when ? <span aria-hidden="true"> • </span> : null}
      {when ? <time datetime={when.toISOString()}>{when.toLocaleString()}</time> : null}
    </div>
  );
}

function Embed({ store, e, guildId }) {
  const title = str(e.title, 256);
  const description = str(e.description, 4096);
  const thumb = e.type !== 'image' ? picture(e.thumbnail, 'embed-thumbnail', 80, 80) : null;
  const main = picture(e.image, 'embed-image', 400, 300) || (e.type === 'image' ? picture(e.thumbnail, 'embed-image', 400, 300) : null);
  const provider = e.provider && str(e.provider.name, 256);
  // The colour goes through a custom property, which Preact sets with the CSSOM (the CSP takes no style
  // attributes).
  const color = Number.isInteger(e.color) && e.color >= 0 && e.color <= 0xffffff ? { '--embed-color': `#${e.color.toString(16).padStart(6, '0')}` } : undefined;
  return (
    <div class="embed" role="group" aria-label={title ? `Embed: ${title}` : 'Embed'} style={color}>
      <div class="embed-body">
        {provider ? (
          <div class="embed-provider">
            <Link url={e.provider.url} text={provider} />
          </div>
        ) : null}
        <Author a={e.author} />
        {title ? (
          <div class="embed-title">
            <Link url={e.url} text={title} />
          </div>
        ) : null}
        {description ? (
          <div class="embed-description">
            <PlainContent store={store} text={description} guildId={guildId} />
          </div>
        ) : null}
        <Fields store={store} list={e.fields} guildId={guildId} />
        {main}
        <Footer e={e} />
      </div>
      {thumb}
    </div>
  );
}

export function Embeds({ ctx, m, guildId }) {
  if (!Array.isArray(m.embeds) || !m.embeds.length || (m.flags & 4) !== 0) return null; // SUPPRESS_EMBEDS
  return (
    <div class="embeds">
      {m.embeds.slice(0, 10).map((e, i) => (e && typeof e === 'object' ? <Embed key={i} store={ctx.store} e={e} guildId={guildId} /> : null))}
    </div>
  );
}
