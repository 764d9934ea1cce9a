// The other way round from island.js: hosts an element still built with h() from dom.js (the message list, the
// composer, one's own panel...) inside a component tree. make() is called once, after the component first draws
// (not while it draws: an element that hosts islands of its own renders them at once, and a render inside a
// render loses the outer component's hooks); the element stays in place for the component's life (Preact
// leaves children it did not draw alone).
import { useLayoutEffect, useRef } from 'preact/hooks';

export function Mount({ make }) {
  const host = useRef(null);
  useLayoutEffect(() => {
    const made = make();
    host.current.append(made);
    return () => made.remove();
  }, []);
  return <div class="island" ref={host} />;
}
