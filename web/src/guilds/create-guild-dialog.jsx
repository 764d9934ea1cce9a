// The dialog that creates a server (opened as soon as its GUILD_CREATE arrives).
import { Dialog, Field, openDialog } from '../ui/dialog.jsx';

export function openCreateGuildDialog(ctx) {
  const { store, actions } = ctx;
  openDialog(
    (close) => (
      <Dialog title="Create a server" submitLabel="Create" onClose={close} onSubmit={(form) => actions.createGuild(form.get('name'))}>
        <Field label="Server name" name="name" maxlength={100} value={`${store.me.global_name || store.me.username}'s server`} />
      </Dialog>
    ),
    ctx,
  );
}
