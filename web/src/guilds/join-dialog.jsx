// The dialog that joins a server by an invite link or code (filled in when the client was opened by a link).
import { Dialog, Field, openDialog } from '../ui/dialog.jsx';

export function openJoinDialog(ctx, code) {
  const join = async (form) => {
    const given = String(form.get('invite')).trim();
    const parsed = given.split('/').filter(Boolean).pop() || '';
    await ctx.actions.joinGuild(parsed);
  };
  openDialog(
    (close) => (
      <Dialog title="Join a server" submitLabel="Join" onClose={close} onSubmit={join}>
        <Field label="Invite link or code" name="invite" value={code} />
      </Dialog>
    ),
    ctx,
  );
}
