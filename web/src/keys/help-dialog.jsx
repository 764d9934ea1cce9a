// The keyboard help (Ctrl+/): every shortcut of the client in one table.
import { Modal } from './modal.jsx';

export const SHORTCUTS = [
  ['Ctrl+K (⌘K)', 'Open the quick switcher: channels, DMs and servers'],
  ['Alt+↑ / Alt+↓', 'Previous or next channel in the sidebar'],
  ['Alt+Shift+↑ / Alt+Shift+↓', 'Previous or next unread channel'],
  ['↑ in an empty message box', 'Edit your last message in the channel'],
  ['Enter / Escape in the edit box', 'Save or cancel the edit'],
  ['Escape', 'Close a dialog or menu, cancel an edit or a reply'],
  ['↑ / ↓ in a list', 'Move among servers, channels and members'],
  ['Ctrl+/ (⌘/)', 'Show this help'],
];

export function HelpDialog({ onClose }) {
  return (
    <Modal label="Keyboard shortcuts" class="keys-help" onClose={onClose}>
      <div class="card">
        <h2>Keyboard shortcuts</h2>
        <table>
          <caption class="sr-only">Keyboard shortcuts</caption>
          <thead>
            <tr>
              <th scope="col">Keys</th>
              <th scope="col">What they do</th>
            </tr>
          </thead>
          <tbody>
            {SHORTCUTS.map(([keys, what]) => (
              <tr key={keys}>
                <td>
                  <kbd>{keys}</kbd>
                </td>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div class="dialog-buttons">
          <button type="button" class="primary" onClick={onClose} autofocus>
            Close
          </button>
        </div>
      </div>
    </Modal>
  );
}
