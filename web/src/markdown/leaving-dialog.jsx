// The question a masked link asks before it is followed: "You are leaving for <host>", with the full address;
// Visit site opens it in a new tab (no opener, no referrer), Cancel or Escape stays. The focus starts on Cancel.
import { Dialog, openDialog } from '../ui/dialog.jsx';
import { openLink } from './links.js';

export function confirmLeaving(href, ctx) {
  const host = new URL(href).host;
  openDialog(
    (close) => (
      <Dialog title={`You are leaving for ${host}`} class="leaving" submitLabel="Visit site" onSubmit={() => openLink(href)} onClose={close} focus="button[type=button]">
        <p>This link goes to:</p>
        <p class="leaving-url">{href}</p>
      </Dialog>
    ),
    ctx,
  );
}
