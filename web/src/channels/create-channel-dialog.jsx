// The dialog that creates a text channel in the open guild (and opens it).
import { Dialog, Field, openDialog } from '../ui/dialog.jsx';

export function openCreateChannelDialog(ctx) {
  const guildId = ctx.store.view.guildId;
  openDialog(
    (close) => (
      <Dialog title="Create a channel" submitLabel="Create" onClose={close} onSubmit={(form) => ctx.actions.createChannel(guildId, form.get('name'))}>
        <Field label="Channel name" name="name" maxlength={100} />
      </Dialog>
    ),
    ctx,
  );
}
