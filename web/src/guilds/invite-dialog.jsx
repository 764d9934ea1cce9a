// The dialog with a new invite link to the open guild (to the open channel, else its first), and a button that
// copies it.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { firstChannel } from '../store/model.js';
import { currentChannel } from '../store/store.js';
import { Dialog, Field, openDialog } from '../ui/dialog.jsx';

function InviteDialog({ title, link, onClose }) {
  const input = useRef(null);
  const [copied, setCopied] = useState('');
  useLayoutEffect(() => input.current.select(), []);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
    } catch {
      input.current.select();
      document.execCommand('copy');
    }
    setCopied('Copied!');
  };
  return (
    <Dialog title={title} onClose={onClose} focus="input">
      <Field label="Invite link (valid for 7 days)" name="invite-link" value={link} readonly required={false} inputRef={input} />
      <button type="button" class="primary" onClick={copy}>
        Copy link
      </button>
      <p class="hint" role="status">
        {copied}
      </p>
    </Dialog>
  );
}

export async function openInviteDialog(ctx) {
  const { store, actions } = ctx;
  const open = currentChannel(store);
  const c = open && open.guild_id ? open : store.channels.get(firstChannel(store, store.view.guildId));
  if (!c) return actions.notify('There is no channel to invite people to.');
  const invite = await actions.createInvite(c.id);
  if (!invite) return;
  const link = `${location.origin}/invite/${invite.code}`;
  const title = `Invite people to ${store.guilds.get(c.guild_id).guild.name}`;
  openDialog((close) => <InviteDialog title={title} link={link} onClose={close} />, ctx);
}
