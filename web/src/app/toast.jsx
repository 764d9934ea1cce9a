// A short notice (mostly a refusal from the server) that goes away by itself.
import { useEffect, useState } from 'preact/hooks';

export function Toast({ ctx }) {
  const [text, setText] = useState('');
  useEffect(() => {
    let timer;
    const stop = ctx.store.on('toast', (t) => {
      setText(t);
      clearTimeout(timer);
      timer = setTimeout(() => setText(''), 6000);
    });
    return () => {
      stop();
      clearTimeout(timer);
    };
  }, [ctx.store]);
  return (
    <div class="toast" role="alert">
      {text}
    </div>
  );
}
