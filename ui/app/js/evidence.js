// "Export evidence pack…": the dialog that writes a room's whole history as a dispute evidence
// pack into Downloads (the backend does it all: transcripts, media as received, messages.json,
// the manifest and the seal), then shows where it went, what could not be saved and the pack's
// fingerprint, each copyable. Any room of any account; the Orders view opens it per order.

import { el, clear, byId } from './dom.js';
import { copyText } from './clipboard.js';
import { counted } from './plural.js';

/** `onExport(room)` → the backend's {dir, files, messages, media_saved, media_failed, fingerprint}. */
export function createEvidenceDialog({ onExport }) {
  const dialog = byId('evidence');
  const roomLine = byId('evidence-room');
  const button = byId('evidence-export');
  const status = byId('evidence-status');
  const result = byId('evidence-result');
  /** The room being exported ({account, room, title}). */
  let target = null;

  function close() {
    dialog.hidden = true;
  }
  byId('close-evidence').addEventListener('click', close);
  dialog.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close();
  });

  /** A value with a Copy button that says when it copied. */
  function copyable(label, value) {
    const said = el('span', { class: 'help', attrs: { role: 'status' } });
    return el('div', { class: 'evidence-value' }, [
      el('div', { class: 'evidence-label', text: label }),
      el('code', { text: value }),
      el('button', {
        class: 'tool-button',
        text: `Copy ${label.toLowerCase()}`,
        attrs: { type: 'button' },
        on: { click: async () => { said.textContent = (await copyText(value)) ? 'Copied.' : 'Could not copy: select the text instead.'; } },
      }),
      said,
    ]);
  }

  function show(pack) {
    clear(result);
    const failed = pack.media_failed || [];
    result.append(
      el('p', { text: `${counted(pack.messages, 'message')} and ${counted(pack.media_saved, 'media file')} saved, ${counted(pack.files, 'file')} in the manifest.` }),
      copyable('Folder', pack.dir),
      copyable('Fingerprint', pack.fingerprint),
      el('p', { class: 'help', text: 'The fingerprint identifies this exact pack: send it to the other party or the appeal desk now (in this chat, for instance), and anyone can later prove the pack was not edited with parley-cli verify-pack or sha256sum -c MANIFEST.sha256.' }),
    );
    if (failed.length) {
      result.append(
        el('p', { class: 'form-error', text: `${counted(failed.length, 'media file')} could not be saved (listed in the pack too):` }),
        el('ul', { class: 'evidence-failed' }, failed.map((f) => el('li', { text: `Message ${f.local_id}: ${f.reason}` }))),
      );
    }
    result.hidden = false;
  }

  button.addEventListener('click', async () => {
    if (!target) return;
    button.disabled = true;
    result.hidden = true;
    status.textContent = 'Exporting… media not downloaded yet are fetched now.';
    try {
      const pack = await onExport(target);
      status.textContent = 'Exported.';
      show(pack);
    } catch (e) {
      status.textContent = e.message;
    } finally {
      button.disabled = false;
    }
  });

  return {
    /** Opens the dialog for `room` ({account, room, title}). */
    open(room) {
      target = room;
      roomLine.textContent = `Room: ${room.title}`;
      status.textContent = '';
      result.hidden = true;
      clear(result);
      dialog.hidden = false;
      button.focus();
    },
    isOpen: () => !dialog.hidden,
  };
}
