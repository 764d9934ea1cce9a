// The user settings screen: My account (profile), Password, Log out.
import { openScreen, SettingsScreen } from '../screen.jsx';
import { AccountSection } from './account.jsx';
import { PasswordSection } from './password.jsx';
import { SessionsSection } from './sessions.jsx';

export const USER_SECTIONS = [
  { id: 'account', label: 'My account', Component: AccountSection },
  { id: 'password', label: 'Password', Component: PasswordSection },
  { id: 'logout', label: 'Log out', Component: SessionsSection },
];

export function openUserSettings(ctx, section) {
  return openScreen(ctx, UserSettings, { initial: section });
}

function UserSettings({ ctx, initial, onClose }) {
  return (
    <SettingsScreen
      ctx={ctx}
      title="User settings"
      navLabel="User settings"
      sections={USER_SECTIONS}
      initial={initial}
      onClose={onClose}
      closeLabel="Close user settings"
    />
  );
}
