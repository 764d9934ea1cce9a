// Preact hooks over the session's store: a component names the store's notices it shows and is drawn again on
// each of them (see the list of notices at the top of store/store.js).
import { useEffect, useReducer } from 'preact/hooks';

/** Redraws the calling component whenever the store emits one of names (a name or a list of names). */
export function useNotices(store, names) {
  const [, redraw] = useReducer((n) => n + 1, 0);
  const key = [names].flat().join(' ');
  useEffect(() => store.on(key.split(' '), () => redraw()), [store, key]);
}

/** Like useNotices, but only redraws when pick(...args) of the notice is true (e.g. the notice is about us). */
export function useNoticesIf(store, names, pick) {
  const [, redraw] = useReducer((n) => n + 1, 0);
  const key = [names].flat().join(' ');
  useEffect(() => store.on(key.split(' '), (...args) => pick(...args) && redraw()), [store, key]);
}
