// Attachments (issue 24): a Mixin bot conversation takes a file from the picker, a drop or a
// paste; it waits in a chip (photo or file for an image, ✕ to drop it) and goes out with the
// text as its caption, the bytes as the request's body and the rest in headers; limits are
// checked first; a MEXC chat's attach button opens the address fields; a text-only service
// says so; each room keeps its own file.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, startOn, byId as $, settle, CAPABILITIES } from './page.js';

loadPage();
const { fileProblem, MAX_FILE_BYTES } = await import('../../app/js/attach.js');

test('limits are checked before anything is read', () => {
  assert.match(fileProblem({ name: 'a.txt', size: 0 }), /a\.txt is empty/);
  assert.match(fileProblem({ name: 'big.mp4', size: MAX_FILE_BYTES + 1 }), /at most 100\.0 MB/);
  assert.equal(fileProblem({ name: 'ok.png', size: 10 }), null);
});

const calls = [];
let refuse = null;
let push = null;
let holdSend = null;
const account = (id, service, capabilities) => ({ id, display_name: id, demo: false, service_label: service, settings: { service }, capabilities, state: { state: 'open' } });
await startOn({
  invoke: async (command, args, options) => {
    calls.push({ command, args, options });
    switch (command) {
      case 'snapshot':
        return {
          accounts: [account('bot', 'mixin', CAPABILITIES.mixin), account('p2p', 'mexc', CAPABILITIES.mexc), account('chat', 'mockly', CAPABILITIES.mockly)],
          rooms: [
            { account: 'bot', room: 'c1', title: 'Ava', unread: 0 }, { account: 'bot', room: 'c2', title: 'Ben', unread: 0 },
            { account: 'p2p', room: '1001', title: 'Order', unread: 0 }, { account: 'chat', room: 'public', title: 'Public', unread: 0 },
          ],
          notices: [], alerts: [],
        };
      case 'history':
        return [];
      case 'send_file':
        if (holdSend) await holdSend;
        if (refuse) throw { kind: 'invalid_input', message: refuse };
        return { local_id: 50 };
      default:
        return null;
    }
  },
  channel: (onMessage) => {
    push = onMessage;
    return { id: 1 };
  },
});
const open = async (account, room) => {
  [...document.querySelectorAll('#room-list button.room')].find((b) => b.dataset.room === `${account}\u0000${room}`).click();
  await settle();
};
const png = () => new window.File([new Uint8Array([137, 80, 78, 71, 1, 2, 3])], 'receipt.png', { type: 'image/png' });
function drop(target, file) {
  const event = new window.Event('drop', { bubbles: true, cancelable: true });
  event.dataTransfer = { files: [file], types: ['Files'] };
  target.dispatchEvent(event);
}
const enter = () => $('composer-input').dispatchEvent(new window.KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));

test('a dropped image waits in a chip and goes out with the caption, as the body, once', async () => {
  await open('bot', 'c1');
  assert.equal($('attach-file').hidden, false);
  drop($('timeline'), png());
  assert.equal($('attach-chip').hidden, false);
  assert.match($('attach-chip').textContent, /receipt\.png \(7 B\)/);
  assert.equal($('attach-chip').querySelector('select').value, 'photo', 'an image goes as a photo unless asked');
  $('attach-chip').querySelector('select').value = 'file';
  $('attach-chip').querySelector('select').dispatchEvent(new window.Event('change'));
  // Another room has no file; coming back finds it.
  await open('bot', 'c2');
  assert.equal($('attach-chip').hidden, true, 'the file stays in its room');
  await open('bot', 'c1');
  assert.equal($('attach-chip').hidden, false);
  $('composer-input').value = 'payment proof';
  enter();
  await settle();
  const sent = calls.filter((c) => c.command === 'send_file');
  assert.equal(sent.length, 1);
  assert.ok(sent[0].args instanceof Uint8Array, 'the bytes are the body');
  assert.deepEqual([...sent[0].args], [137, 80, 78, 71, 1, 2, 3]);
  assert.deepEqual(sent[0].options.headers, { 'x-account': 'bot', 'x-room': 'c1', 'x-name': 'receipt.png', 'x-send-as': 'file', 'x-caption': 'payment%20proof' });
  assert.equal($('attach-chip').hidden, true);
  assert.equal($('composer-input').value, '');
  assert.ok(!calls.some((c) => c.command === 'send_message'), 'the caption went with the file, not as a second message');
});

test('a refused file stays in its chip with the reason; an empty one is refused at once', async () => {
  drop($('composer'), png());
  refuse = 'The upload failed: storage answered 403';
  $('composer-input').value = 'proof of payment';
  enter();
  await settle();
  assert.match($('composer-error').textContent, /storage answered 403/);
  assert.equal($('attach-chip').hidden, false, 'kept for Retry');
  assert.equal($('composer-input').value, 'proof of payment', 'the caption is back');
  $('composer-input').value = '';
  refuse = null;
  $('attach-chip').querySelector('.reply-cancel').click();
  assert.equal($('attach-chip').hidden, true);
  drop($('composer'), new window.File([], 'empty.txt'));
  assert.match($('composer-error').textContent, /empty\.txt is empty/);
  assert.equal($('attach-chip').hidden, true);
});

test('a voice note and a video go as such unless asked; other files have no choice', async () => {
  await open('bot', 'c2');
  const offered = (name, type) => {
    drop($('timeline'), new window.File([new Uint8Array([1, 2, 3])], name, { type }));
    const select = $('attach-chip').querySelector('select');
    const seen = select ? [select.value, select.options[0].textContent] : null;
    $('attach-chip').querySelector('.reply-cancel').click();
    return seen;
  };
  assert.deepEqual(offered('note.ogg', 'audio/ogg'), ['photo', 'as a voice message (Ogg Opus)']);
  assert.deepEqual(offered('clip.mp4', 'video/mp4'), ['photo', 'as a video']);
  assert.equal(offered('clip.webm', 'video/webm'), null, 'a WebM goes as a file');
  assert.equal(offered('ledger.pdf', 'application/pdf'), null);
});

test('Enter pressed again while a file is being handed over sends it once', async () => {
  await open('bot', 'c1');
  drop($('timeline'), png());
  let release;
  holdSend = new Promise((resolve) => { release = resolve; });
  const before = calls.filter((c) => c.command === 'send_file').length;
  $('composer-input').value = 'twice?';
  enter();
  await settle();
  assert.equal($('composer-input').value, '', 'the caption left with the file at once');
  assert.match($('attach-chip').textContent, /Sending…/);
  assert.equal($('attach-chip').querySelector('.reply-cancel'), null, 'no ✕ once it is on its way (Cancel is on its bubble)');
  enter();
  enter();
  await settle();
  // The next file, dropped while the first is handed over, waits for its own Enter.
  drop($('timeline'), new window.File([new Uint8Array([1, 2])], 'next.pdf', { type: 'application/pdf' }));
  release();
  holdSend = null;
  await settle();
  assert.equal(calls.filter((c) => c.command === 'send_file').length - before, 1, 'one file, one message');
  assert.match($('attach-chip').textContent, /next\.pdf/, 'the next file is kept');
  $('attach-chip').querySelector('.reply-cancel').click();
  assert.equal($('attach-chip').hidden, true);
  enter();
  await settle();
  assert.equal(calls.filter((c) => c.command === 'send_file').length - before, 1, 'nothing left to send');
});

test('Cancel on a file going up asks once and leaves the keyboard in the message box', async () => {
  await open('bot', 'c2');
  push([{ event: 'message', local_id: 70, account: 'bot', room: 'c2', id: 'f70', sender_id: 'me', sender_name: 'Me', own: true, kind: 'file', text: '', ts_ms: Date.now(), ts_raw: '', state: 'pending', error: null, media: { url: '', name: 'ledger.pdf', local_path: '/o/70.bin', size: 2048 } }]);
  await settle();
  const cancel = document.querySelector('#timeline [aria-label="Cancel this upload"]');
  cancel.focus();
  cancel.click();
  await settle();
  assert.deepEqual(calls.filter((c) => c.command === 'cancel_upload').map((c) => c.args), [{ localId: 70 }]);
  assert.equal(document.activeElement, $('composer-input'), 'not lost with the button that goes with its message');
});

test('a MEXC chat attaches by address; a text-only room says so', async () => {
  await open('p2p', '1001');
  assert.match($('attach-file').title, /by its address/);
  $('attach-file').click();
  assert.equal($('composer-kind').value, 'image');
  assert.equal($('composer-url').hidden, false);
  drop($('timeline'), png());
  assert.match($('composer-error').textContent, /no uploads/);
  await open('chat', 'public');
  assert.equal($('attach-file').hidden, false, 'shown, not hidden');
  assert.equal($('attach-file').getAttribute('aria-disabled'), 'true');
  assert.match($('attach-file').title, /text only/);
});
