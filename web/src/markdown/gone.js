// The views still built with h() replace a message's element without unmounting the components inside it; a
// component here stops its timers and subscriptions once its element has left the page for good.

/** A function answering true once the element ref points at was in the page and is no longer. */
export function leftPage(ref) {
  let seen = false;
  return () => {
    const el = ref.current;
    if (el && el.isConnected) seen = true;
    return seen && !(el && el.isConnected);
  };
}
