// Settings: opens the user settings screen (settings/user/), which took the place of the settings dialog.
import { openUserSettings } from './user/user-settings.jsx';

export function openSettingsDialog(ctx, section) {
  return openUserSettings(ctx, section);
}
