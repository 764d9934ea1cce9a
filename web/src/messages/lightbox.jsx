// The lightbox: an image shown full size in a modal dialog. Escape, a click anywhere or the Close button closes
// it, and the focus goes back to what opened it.
import { render } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

function Lightbox({ url, name, onClosed }) {
  const dlg = useRef(null);
  const close = useRef(null);
  useEffect(() => {
    dlg.current.showModal();
    close.current.focus();
  }, []);
  // A click on the image or on the backdrop (the dialog itself) closes it; the link keeps working.
  const onClick = (e) => {
    if (e.target === dlg.current || e.target.classList.contains('lightbox-img')) dlg.current.close();
  };
  return (
    <dialog ref={dlg} class="lightbox" aria-label={`Image ${name}`} onClick={onClick} onClose={onClosed}>
      <img class="lightbox-img" src={url} alt={name} />
      <div class="lightbox-bar">
        <a href={url} target="_blank" rel="noopener noreferrer">
          Open original
        </a>
        <button ref={close} type="button" class="primary" onClick={() => dlg.current.close()}>
          Close
        </button>
      </div>
    </dialog>
  );
}

/** Opens url (named name) full size; opener gets the focus back when it closes. */
export function openLightbox(url, name, opener) {
  const host = document.createElement('div');
  host.className = 'island';
  document.body.append(host);
  const onClosed = () => {
    render(null, host);
    host.remove();
    if (opener && opener.isConnected) opener.focus();
  };
  render(<Lightbox url={url} name={name} onClosed={onClosed} />, host);
}
