// The bell in one's own panel: "Enable notifications" asks the browser (a click is the only place the
// permission is asked for); once granted it pauses and resumes desktop notifications.
import { useNotices } from '../ui/hooks.js';

export function NotifyBell({ ctx }) {
  const { store, actions } = ctx;
  useNotices(store, 'guildSettings');
  if (typeof Notification === 'undefined') return null;
  const permission = Notification.permission;
  const on = actions.desktopEnabled();
  const label =
    permission === 'denied' ? 'Notifications are blocked by the browser' : permission === 'default' ? 'Enable notifications' : on ? 'Pause desktop notifications' : 'Resume desktop notifications';
  return (
    <button
      type="button"
      class={`icon notify-bell${on ? ' on' : ''}`}
      title={label}
      aria-label={label}
      aria-pressed={permission === 'granted' ? String(on) : undefined}
      disabled={permission === 'denied'}
      onClick={() => actions.toggleDesktop()}
    >
      {on ? '🔔' : '🔕'}
    </button>
  );
}
