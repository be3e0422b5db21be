// "Export evidence pack…" in the room header: it exports the open room (any service), shows the
// folder, the fingerprint and what could not be saved as text (paths and reasons come from the
// backend and from servers), and a refusal is said in the dialog, not lost.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, startOn, byId as $, settle, CAPABILITIES, XSS, assertInert } from './page.js';

loadPage();

const accounts = [
  { id: 'm', display_name: 'Room account', demo: false, service_label: 'mockly.me chat', settings: { service: 'mockly' }, capabilities: CAPABILITIES.mockly, state: { state: 'open' } },
];
const rooms = [{ account: 'm', room: 'public', title: `Public ${XSS}`, unread: 0 }];
const asked = [];
let answer = null;
await startOn({
  invoke: async (command, args) => {
    if (command === 'snapshot') return { accounts, rooms, notices: [], alerts: [] };
    if (command === 'history') return [];
    if (command === 'export_evidence') {
      asked.push(args);
      return answer();
    }
    return null;
  },
  channel: () => ({ id: 1 }),
});

test('the open room is exported and the result is shown as text', async () => {
  await settle();
  const button = $('export-evidence');
  assert.equal(button.hidden, false, 'offered in every room');
  answer = async () => ({
    dir: `/home/me/Downloads/Parley evidence - ${XSS}`,
    files: 4,
    messages: 12,
    media_saved: 1,
    media_failed: [{ local_id: 7, reason: `the server answered HTTP 404 ${XSS}` }],
    fingerprint: 'ab'.repeat(32),
  });
  button.click();
  assert.equal($('evidence').hidden, false);
  assert.match($('evidence-room').textContent, /^Room: Public </);
  $('evidence-export').click();
  await settle();
  assert.deepEqual(asked.at(-1), { account: 'm', room: 'public' });
  const shown = $('evidence-result').textContent;
  assert.match(shown, /12 messages and 1 media file saved, 4 files in the manifest\./);
  assert.ok(shown.includes(`Downloads/Parley evidence - ${XSS}`), 'the path as text');
  assert.ok(shown.includes('ab'.repeat(32)), 'the fingerprint');
  assert.ok(shown.includes(`Message 7: the server answered HTTP 404 ${XSS}`));
  assertInert($('evidence'), assert);
  assert.equal($('evidence-status').textContent, 'Exported.');
});

test('a refused export says why in the dialog', async () => {
  answer = async () => {
    throw { kind: 'storage', message: 'The evidence pack could not be written: cannot write /x: disk full.' };
  };
  $('evidence-export').click();
  await settle();
  assert.equal($('evidence-status').textContent, 'The evidence pack could not be written: cannot write /x: disk full.');
  assert.equal($('evidence-result').hidden, true);
  assert.equal($('evidence-export').disabled, false, 'it can be tried again');
});
