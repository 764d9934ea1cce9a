// The other way round from island.js: hosts an element still built with h() from dom.js (the message list, the
// composer, one's own panel...) inside a component tree. make() is called once, when the component first draws;
// the element stays in place for the component's life (Preact leaves children it did not draw alone).
import { useLayoutEffect, useRef } from 'preact/hooks';

export function Mount({ make }) {
  const host = useRef(null);
  const made = useRef(null);
  if (!made.current) made.current = make();
  useLayoutEffect(() => {
    host.current.append(made.current);
    return () => made.current.remove();
  }, []);
  return <div class="island" ref={host} />;
}
