// Keyboard helpers shared by the lists of the main screen.

/** A keydown handler for a container: Up/Down (and Home/End) move the focus among the elements matching
 * selector inside it. */
export function arrowKeys(selector) {
  return (e) => {
    if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(e.key)) return;
    const items = [...e.currentTarget.querySelectorAll(selector)];
    const at = items.indexOf(document.activeElement);
    if (at < 0 || !items.length) return;
    e.preventDefault();
    let next = at;
    if (e.key === 'ArrowDown') next = Math.min(items.length - 1, at + 1);
    if (e.key === 'ArrowUp') next = Math.max(0, at - 1);
    if (e.key === 'Home') next = 0;
    if (e.key === 'End') next = items.length - 1;
    items[next].focus();
  };
}

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** The elements inside el that Tab can reach, in order. */
export function focusables(el) {
  return [...el.querySelectorAll(FOCUSABLE)].filter((x) => x.getClientRects().length && !x.closest('[inert]'));
}

/** A keydown handler that keeps Tab and Shift+Tab inside e.currentTarget (a modal's focus trap). */
export function trapFocus(e) {
  if (e.key !== 'Tab') return;
  const items = focusables(e.currentTarget);
  if (!items.length) return;
  const first = items[0];
  const last = items[items.length - 1];
  if (e.shiftKey && (document.activeElement === first || !e.currentTarget.contains(document.activeElement))) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && document.activeElement === last) {
    e.preventDefault();
    first.focus();
  }
}
