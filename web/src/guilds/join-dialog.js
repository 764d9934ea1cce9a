// The dialog that joins a server by an invite link or code (filled in when the client was opened by a link).
import { dialog, field } from '../dialog.js';

export function openJoinDialog({ actions }, code) {
  dialog('Join a server', field('Invite link or code', 'invite', { value: code }), {
    submitLabel: 'Join',
    onSubmit: async (form) => {
      const given = String(form.get('invite')).trim();
      const parsed = given.split('/').filter(Boolean).pop() || '';
      await actions.joinGuild(parsed);
    },
  });
}
