// Reply templates (issue 23): `/` in an empty message or Ctrl+Shift+R opens a filterable
// picker; a template's variables fill from the order chat's order and the account, the ones the
// room cannot fill are asked for first, and nothing is sent by choosing; per-service templates
// are offered only in their service; Settings adds, edits, reorders, deletes and imports.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, startOn, byId as $, settle, CAPABILITIES, XSS, assertInert } from './page.js';

loadPage();
const templates = await import('../../app/js/templates.js');

test('the rules: fill in one pass, missing ones listed once, filters and imports checked', () => {
  const { text, missing } = templates.fillTemplate('Order {order_no}: pay {fiat_total} to {iban} ({iban}), {x}', { order_no: '42', fiat_total: '1,250.00 EUR' });
  assert.equal(text, 'Order 42: pay 1,250.00 EUR to {iban} ({iban}), {x}');
  assert.deepEqual(missing, ['iban', 'x']);
  assert.deepEqual(templates.variablesOf('{a} {b} {a} {not a var}'), ['a', 'b']);
  // Unicode stays whole on both sides, and a value that looks like a variable is not filled again.
  assert.equal(templates.fillTemplate('Заказ {order_no} · {amount} 🎉', { order_no: '№42', amount: '{amount}' }).text, 'Заказ №42 · {amount} 🎉');
  const list = [{ id: '1', name: 'Payment details', text: 'IBAN …', service: null }, { id: '2', name: 'Released', text: 'Coins released, thanks', service: 'mixin' }];
  assert.deepEqual(templates.filterTemplates(list, 'pay det').map((t) => t.id), ['1']);
  assert.deepEqual(templates.filterTemplates(list, 'THANKS').map((t) => t.id), ['2'], 'the text counts too');
  assert.deepEqual(templates.templatesFor(list, { settings: { service: 'mexc' } }).map((t) => t.id), ['1']);
  assert.deepEqual(templates.templatesFor(list, { settings: { service: 'mixin' } }).map((t) => t.id), ['1', '2']);
  assert.throws(() => templates.parseImport('{nope'), /not JSON/);
  assert.throws(() => templates.parseImport('{"a":1}'), /no list/);
  assert.throws(() => templates.parseImport('[{"name":"x"}]'), /Template 1 needs/);
  const imported = templates.parseImport(templates.exportJson(list), list);
  assert.equal(imported.length, 2);
  assert.ok(imported.every((t) => !list.some((l) => l.id === t.id)), 'ids already in use get new ones');
  // Huge text: one pass (a million variables would take minutes if each scanned the text).
  const huge = '{order_no} '.repeat(200_000);
  assert.equal(templates.fillTemplate(huge, { order_no: '1' }).text.length, '1 '.length * 200_000);
});

const now = Date.now();
const calls = [];
let saved = [
  { id: 'pay', name: 'Payment details', text: 'Order {order_no}: please pay {fiat_total} to IBAN {iban}. — {my_name}', service: null },
  { id: 'thanks', name: 'Thanks', text: 'Released {amount}, thanks {counterparty}!', service: 'mexc' },
  { id: 'bot', name: 'Bot help', text: 'Send /help', service: 'mixin' },
];
let refuse = null;
const mexc = { id: 'mexc-1', display_name: 'P2P desk', demo: false, service_label: 'MEXC P2P', settings: { service: 'mexc', auth: 'api_key', conversations: [] }, capabilities: CAPABILITIES.mexc, state: { state: 'open' } };
const order = {
  account: 'mexc-1', room: '1001', order_no: '1138745987', fetched_ms: now, turn_by_status: 'you',
  details: { order_no: '1138745987', side: 'sell', coin: 'USDT', quantity: '1344.08', price: '0.93', fiat_total: '1250.00', fiat: 'EUR', payment_method: 'SEPA', counterparty: XSS, status: 'paid', status_raw: 'PAID' },
};
await startOn({
  invoke: async (command, args) => {
    calls.push({ command, args });
    switch (command) {
      case 'snapshot':
        return {
          accounts: [mexc],
          rooms: [{ account: 'mexc-1', room: '1001', title: 'Sell 1,344.08 USDT', unread: 0 }, { account: 'mexc-1', room: '1002', title: 'Order 1002', unread: 0 }],
          notices: [], alerts: [], orders: [order], orders_unavailable: [], templates: saved,
        };
      case 'history':
        return [];
      case 'set_templates':
        if (refuse) throw Object.assign(new Error(refuse), { kind: 'invalid_input' });
        saved = args.templates;
        return saved;
      case 'export_templates':
        return '/home/u/Downloads/parley-templates.json';
      default:
        return null;
    }
  },
  channel: () => ({ id: 1 }),
});

const openRoom = async (room) => {
  [...document.querySelectorAll('#room-list button.room')].find((b) => b.dataset.room === `mexc-1\u0000${room}`).click();
  await settle();
};
const key = (target, init) => target.dispatchEvent(new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init }));
const options = () => [...$('template-list').querySelectorAll('[role=option]')].map((o) => o.querySelector('strong').textContent);

test('/ in an empty message opens the picker with the templates of this service; Escape gives the slash back', async () => {
  await openRoom('1001');
  const input = $('composer-input');
  input.focus();
  key(input, { key: '/' });
  assert.equal($('template-picker').hidden, false);
  assert.equal(document.activeElement, $('template-filter'));
  assert.deepEqual(options(), ['Payment details', 'Thanks'], 'the Mixin-only one is not offered in a MEXC chat');
  key($('template-filter'), { key: 'Escape' });
  assert.equal($('template-picker').hidden, true);
  assert.equal(input.value, '/', 'a slash typed on purpose is not lost');
  input.value = 'half a sentence';
  key(input, { key: '/' });
  assert.equal($('template-picker').hidden, true, 'a slash inside text is just a slash');
  input.value = '';
});

test('a template fills from the order, asks for what the room cannot give, and only fills the message', async () => {
  const input = $('composer-input');
  key(input, { key: 'R', ctrlKey: true, shiftKey: true });
  assert.equal($('template-picker').hidden, false);
  $('template-filter').value = 'thanks';
  $('template-filter').dispatchEvent(new Event('input'));
  assert.deepEqual(options(), ['Thanks']);
  key($('template-filter'), { key: 'Enter' });
  assert.equal($('template-picker').hidden, true);
  assert.equal(input.value, `Released 1,344.08 USDT, thanks ${XSS}!`, 'variables filled, the nickname as text');
  assert.ok(!calls.some((c) => c.command === 'send_message'), 'choosing a template sends nothing');
  input.value = '';
  key(input, { key: '/' });
  key($('template-filter'), { key: 'Enter' }); // Payment details: {iban} is unknown here
  assert.equal($('template-fill').hidden, false);
  assert.match($('template-fill-title').textContent, /one value/);
  const field = $('template-fill-fields').querySelector('input');
  assert.equal(field.dataset.variable, 'iban');
  assert.equal(document.activeElement, field);
  $('template-fill').dispatchEvent(new Event('submit', { cancelable: true }));
  assert.equal(field.getAttribute('aria-invalid'), 'true', 'an empty value is refused');
  field.value = 'DE00 1234';
  $('template-fill').dispatchEvent(new Event('submit', { cancelable: true }));
  assert.equal(input.value, 'Order 1138745987: please pay 1,250.00 EUR to IBAN DE00 1234. — P2P desk');
  assertInert($('template-picker'), assert);
});

test('in a chat without an order, the order variables are asked for', async () => {
  await openRoom('1002');
  const input = $('composer-input');
  input.value = '';
  key(input, { key: '/' });
  key($('template-filter'), { key: 'ArrowDown' });
  key($('template-filter'), { key: 'Enter' });
  const asked = [...$('template-fill-fields').querySelectorAll('input')].map((i) => i.dataset.variable);
  assert.deepEqual(asked, ['amount', 'counterparty']);
  key($('template-fill'), { key: 'Escape' });
  assert.equal($('template-picker').hidden, true);
});

test('Settings adds, edits, reorders, deletes and imports templates; a refusal is shown and nothing changes', async () => {
  $('open-settings').click();
  await settle();
  const rows = () => [...$('template-settings-list').querySelectorAll('.template-row strong')].map((s) => s.textContent);
  assert.deepEqual(rows(), ['Payment details', 'Thanks', 'Bot help']);
  $('template-name').value = 'Wait';
  $('template-text').value = 'One moment please';
  $('template-edit').dispatchEvent(new Event('submit', { cancelable: true }));
  await settle();
  assert.deepEqual(rows(), ['Payment details', 'Thanks', 'Bot help', 'Wait']);
  assert.equal(saved.at(-1).service, null);
  // Move "Wait" up.
  [...$('template-settings-list').querySelectorAll('button')].find((b) => b.getAttribute('aria-label') === 'Move Wait up').click();
  await settle();
  assert.deepEqual(saved.map((t) => t.name), ['Payment details', 'Thanks', 'Wait', 'Bot help']);
  // Edit "Thanks" to every service.
  [...$('template-settings-list').querySelectorAll('button')].find((b) => b.getAttribute('aria-label') === 'Edit Thanks').click();
  assert.equal($('template-name').value, 'Thanks');
  $('template-service').value = '';
  $('template-edit').dispatchEvent(new Event('submit', { cancelable: true }));
  await settle();
  assert.equal(saved.find((t) => t.id === 'thanks').service, null);
  assert.equal(saved.length, 4, 'an edit replaces, never adds');
  // A refusal from the backend: shown, the list unchanged.
  refuse = 'template 5: give it a name of at most 100 characters';
  $('template-name').value = 'x';
  $('template-text').value = 'y';
  $('template-edit').dispatchEvent(new Event('submit', { cancelable: true }));
  await settle();
  assert.match($('template-error').textContent, /at most 100 characters/);
  assert.equal(rows().length, 4);
  refuse = null;
  // Delete asks first.
  [...$('template-settings-list').querySelectorAll('button')].find((b) => b.getAttribute('aria-label') === 'Delete Bot help').click();
  assert.equal(saved.length, 4, 'nothing deleted before confirming');
  [...$('template-settings-list').querySelectorAll('.ask-first button')].find((b) => b.textContent === 'Delete').click();
  await settle();
  assert.deepEqual(rows(), ['Payment details', 'Thanks', 'Wait']);
  // Export names the file written.
  $('template-export').click();
  await settle();
  assert.match($('template-status').textContent, /parley-templates\.json/);
});
