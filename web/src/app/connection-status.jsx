// The line that says the gateway is connecting or reconnecting (hidden while connected).
import { useNotices } from '../ui/hooks.js';

export function ConnectionStatus({ ctx }) {
  const { store } = ctx;
  useNotices(store, 'connection');
  const { state, readyBefore } = store.connection;
  const text = state === 'connected' ? '' : state === 'connecting' && !readyBefore ? 'Connecting…' : 'Reconnecting…';
  return (
    <div class="conn" role="status" hidden={state === 'connected'}>
      {text}
    </div>
  );
}
