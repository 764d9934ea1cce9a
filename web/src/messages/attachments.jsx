// A message's attachments: images and videos inline at their natural aspect ratio (the width and height the
// server measured reserve the space before they load, scaled down to fit a box), images opening the lightbox,
// other files as download cards; spoilers (SPOILER_ names) blurred until clicked.
import { Fragment } from 'preact';
import { fitBox, formatSize, safeUrl } from '../media/cdn.js';
import { attachmentKind, isSpoiler } from './helpers.js';
import { openLightbox } from './lightbox.jsx';

const BOX = { width: 400, height: 300 };

const sized = (a) => fitBox(Number(a.width), Number(a.height), BOX.width, BOX.height);

function Image({ a, url, name }) {
  const size = sized(a);
  return (
    <button type="button" class="media-button" aria-label={`Open image ${name}`} data-key={`a:${a.id}`} onClick={(e) => openLightbox(url, name, e.currentTarget)}>
      <img
        src={url}
        alt={a.description || name}
        width={size && size.width}
        height={size && size.height}
        class={size ? 'media' : 'media unsized'}
        loading="lazy"
        decoding="async"
      />
    </button>
  );
}

function Video({ a, url, name }) {
  const size = sized(a);
  return <video src={url} controls preload="metadata" width={size && size.width} height={size && size.height} class={size ? 'media' : 'media unsized'} aria-label={`Video ${name}`} />;
}

function FileCard({ a, url, name }) {
  return (
    <div class="file-card">
      <span class="file-icon" aria-hidden="true">
        📄
      </span>
      <div class="file-info">
        {url ? (
          <a href={url} download={name} rel="noopener noreferrer" class="file-name">
            {name}
          </a>
        ) : (
          <span class="file-name">{name}</span>
        )}
        <span class="file-size">{formatSize(Number(a.size))}</span>
      </div>
    </div>
  );
}

/** A spoiler: the media blurred behind a button that shows it (remembered in store.revealed). */
function Spoiler({ ctx, m, a, children }) {
  const { store } = ctx;
  if (store.revealed.has(a.id)) return <div class="spoiler revealed">{children}</div>;
  const reveal = () => {
    store.revealed.add(a.id);
    store.emit('message', m);
  };
  return (
    <div class="spoiler">
      <div class="spoiler-inner" inert>
        {children}
      </div>
      <button type="button" class="spoiler-cover" data-key={`s:${a.id}`} onClick={reveal}>
        Spoiler — show
      </button>
    </div>
  );
}

export function Attachments({ ctx, m }) {
  const list = Array.isArray(m.attachments) ? m.attachments : [];
  if (!list.length) return null;
  return (
    <div class="attachments">
      {list.map((a) => {
        const url = safeUrl(a.url);
        const name = String(a.filename || 'file');
        const kind = url ? attachmentKind(a) : 'file';
        const Inner = kind === 'image' ? Image : kind === 'video' ? Video : FileCard;
        const inner = <Inner a={a} url={url} name={name} />;
        return isSpoiler(a) ? (
          <Spoiler key={a.id} ctx={ctx} m={m} a={a}>
            {inner}
          </Spoiler>
        ) : (
          <Fragment key={a.id}>{inner}</Fragment>
        );
      })}
    </div>
  );
}
