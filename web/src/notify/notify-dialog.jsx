// The notification settings of a guild (from the sidebar's head) or of one channel (from the chat's head): mute
// for a while or until turned back on, the notification level, and for a guild the suppressed mentions. Saved
// on the server; a refusal is shown in the dialog.
import { render } from 'preact';
import { useState } from 'preact/hooks';
import { describeError } from '../api.js';
import { dmName } from '../store/model.js';
import { ALL, DEFAULT, MENTIONS, mutedNow, NOTHING, overrideOf, settingsOf } from './settings.js';

const DURATIONS = [
  ['900', 'For 15 minutes'],
  ['3600', 'For 1 hour'],
  ['10800', 'For 3 hours'],
  ['28800', 'For 8 hours'],
  ['86400', 'For 24 hours'],
  ['-1', 'Until I turn it back on'],
];

function muteChanges(choice) {
  if (choice === 'off') return { muted: false, mute_config: null };
  const secs = Number(choice);
  const end = secs > 0 ? new Date(Date.now() + secs * 1000).toISOString() : null;
  return { muted: true, mute_config: { selected_time_window: secs, end_time: end } };
}

function untilText(s) {
  const end = s.mute_config && s.mute_config.end_time;
  return end ? `Muted until ${new Date(end).toLocaleString()}` : 'Muted until I turn it back on';
}

function NotifyDialog({ ctx, guildId, channel, close }) {
  const { store, actions } = ctx;
  const current = (channel ? overrideOf(store, channel) : settingsOf(store, guildId)) || {};
  const muted = mutedNow(current);
  const [mute, setMute] = useState(muted ? 'keep' : 'off');
  const inGuild = channel ? !!channel.guild_id : true;
  const start = current.message_notifications ?? DEFAULT;
  const [level, setLevel] = useState(!inGuild && start === DEFAULT ? ALL : start);
  const [everyone, setEveryone] = useState(!!current.suppress_everyone);
  const [roles, setRoles] = useState(!!current.suppress_roles);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const levels = [
    ...(channel && inGuild ? [[DEFAULT, 'Use the server’s setting']] : []),
    ...(!channel ? [[DEFAULT, 'Use the server’s default']] : []),
    [ALL, 'All messages'],
    [MENTIONS, 'Only @mentions'],
    [NOTHING, 'Nothing'],
  ];
  const what = channel ? (channel.guild_id ? 'channel' : 'conversation') : 'server';

  const save = async (e) => {
    e.preventDefault();
    const changes = { message_notifications: Number(level), ...(mute === 'keep' ? {} : muteChanges(mute)) };
    setBusy(true);
    try {
      if (channel) await actions.saveChannelSettings(channel, changes);
      else await actions.saveGuildSettings(guildId, { ...changes, suppress_everyone: everyone, suppress_roles: roles });
      close();
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };

  return (
    <form class="card notify-dialog" onSubmit={save}>
      <h2>Notification settings</h2>
      <div class="field">
        <label for="notify-mute">{`Mute this ${what}`}</label>
        <select id="notify-mute" value={mute} onChange={(e) => setMute(e.currentTarget.value)}>
          <option value="off">Not muted</option>
          {muted ? <option value="keep">{untilText(current)}</option> : null}
          {DURATIONS.map(([value, label]) => (
            <option value={value}>{label}</option>
          ))}
        </select>
      </div>
      <fieldset class="notify-levels">
        <legend>Notify me of</legend>
        {levels.map(([value, label]) => (
          <label class="notify-choice">
            <input type="radio" name="notify-level" value={value} checked={Number(level) === value} onChange={() => setLevel(value)} /> {label}
          </label>
        ))}
      </fieldset>
      {channel ? null : (
        <div class="notify-flags">
          <label class="notify-choice">
            <input type="checkbox" checked={everyone} onChange={(e) => setEveryone(e.currentTarget.checked)} /> Suppress @everyone and @here
          </label>
          <label class="notify-choice">
            <input type="checkbox" checked={roles} onChange={(e) => setRoles(e.currentTarget.checked)} /> Suppress all role @mentions
          </label>
        </div>
      )}
      <p class="form-error" role="alert">
        {error}
      </p>
      <div class="dialog-buttons">
        <button type="button" onClick={close}>
          Cancel
        </button>
        <button type="submit" class="primary" disabled={busy}>
          Save
        </button>
      </div>
    </form>
  );
}

/** Opens the dialog for a guild (guildId) or for one channel (a guild channel or a DM). */
export function openNotifyDialog(ctx, { guildId = null, channel = null }) {
  const dlg = document.createElement('dialog');
  const g = guildId && ctx.store.guilds.get(guildId);
  const name = channel ? (channel.guild_id ? `#${channel.name}` : dmName(ctx.store, channel)) : g ? g.guild.name : 'Direct messages';
  dlg.setAttribute('aria-label', `Notification settings: ${name}`);
  document.body.append(dlg);
  const close = () => dlg.close();
  render(<NotifyDialog ctx={ctx} guildId={guildId} channel={channel} close={close} />, dlg);
  dlg.addEventListener('close', () => {
    render(null, dlg);
    dlg.remove();
  });
  ctx.store.on('close', close);
  dlg.showModal();
  return dlg;
}

/** The bell that opens it for target ({guildId} or {channel}). */
export function NotifyButton({ ctx, target, label }) {
  return (
    <button type="button" class="icon notify-open" title={label} aria-label={label} onClick={() => openNotifyDialog(ctx, target)}>
      🔔
    </button>
  );
}
