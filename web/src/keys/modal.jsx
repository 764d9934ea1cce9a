// A modal dialog for the keyboard's components: opened (showModal) when it mounts, so the browser keeps the focus
// inside it and Escape closes it; onClose runs when it closes, and the focus goes back to what had it before
// (or to returnTo.current, when set).
import { useEffect, useRef } from 'preact/hooks';

export function Modal({ label, class: cls, onClose, returnTo, children }) {
  const ref = useRef(null);
  useEffect(() => {
    const dlg = ref.current;
    const opener = document.activeElement;
    dlg.showModal();
    return () => {
      if (dlg.open) dlg.close();
      const wanted = returnTo?.current;
      const back = wanted && wanted.isConnected && !wanted.disabled ? wanted : opener;
      if (back && back.isConnected) back.focus();
    };
  }, []);
  return (
    <dialog ref={ref} class={cls} aria-label={label} onClose={onClose}>
      {children}
    </dialog>
  );
}
