// Saved replies: which ones a room offers, the values their {variables} take from the room's
// context (its order, its account) and filling them in. Pure functions; the picker
// (template-picker.js) and Settings (settings-templates.js) show them.

import { groupDigits } from './orders.js';

/** The variables Parley fills by itself, with what each one means (shown in Settings). */
export const VARIABLES = {
  order_no: 'the order number',
  amount: 'the coin amount, e.g. 1,000 USDT',
  fiat_total: 'what is paid, e.g. 1,250.00 EUR',
  counterparty: 'the other trader’s nickname',
  payment_method: 'the order’s payment method',
  my_name: 'your account’s name',
  date: 'today’s date',
};

const VARIABLE = /\{([a-z_][a-z0-9_]{0,39})\}/gi;

/** The templates offered in a room of `account`: the global ones and those of its service. */
export function templatesFor(templates, account) {
  // Compares two service keys as data: the page knows no service by name.
  const kind = account && account.settings ? account.settings.service : null;
  return (templates || []).filter((t) => !t.service || kind === t.service);
}

/** Templates whose name or text contains every word of `query` (case-insensitive). */
export function filterTemplates(templates, query) {
  const words = String(query || '').toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return templates;
  return templates.filter((t) => {
    const hay = `${t.name}\n${t.text}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** The values known for a room: from its order view (order chats only) and its account. */
export function contextValues(order, account, now = new Date()) {
  const values = { date: now.toLocaleDateString() };
  if (account && account.display_name) values.my_name = account.display_name;
  if (order && order.order_no) values.order_no = order.order_no;
  const details = order && order.details;
  if (details) {
    if (details.order_no) values.order_no = details.order_no;
    if (details.quantity) values.amount = `${groupDigits(details.quantity)} ${details.coin || ''}`.trim();
    if (details.fiat_total) values.fiat_total = `${groupDigits(details.fiat_total)} ${details.fiat || ''}`.trim();
    if (details.counterparty) values.counterparty = details.counterparty;
    if (details.payment_method) values.payment_method = details.payment_method;
  }
  return values;
}

/** The distinct variable names of a text, in order of first use. */
export function variablesOf(text) {
  const names = [];
  for (const match of String(text).matchAll(VARIABLE)) {
    if (!names.includes(match[1])) names.push(match[1]);
  }
  return names;
}

/**
 * Fills `{name}` from `values`; `missing` lists the names without a value (left as `{name}` in
 * the text until the user gives one). One pass, linear in the text's size.
 */
export function fillTemplate(text, values) {
  const missing = [];
  const filled = String(text).replace(VARIABLE, (whole, name) => {
    const value = values[name];
    if (value !== undefined && value !== null && value !== '') return String(value);
    if (!missing.includes(name)) missing.push(name);
    return whole;
  });
  return { text: filled, missing };
}

/** A new template id, unique among `templates`. */
export function newTemplateId(templates) {
  const used = new Set((templates || []).map((t) => t.id));
  let id;
  do id = `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`; while (used.has(id));
  return id;
}

/**
 * Reads an exported file: an array of {name, text, service?} (ids are kept when present and
 * unique). Throws an Error saying what is wrong.
 */
export function parseImport(json, existing = []) {
  let data;
  try {
    data = JSON.parse(json);
  } catch (e) {
    throw new Error(`This file is not JSON (${e.message}).`);
  }
  const list = Array.isArray(data) ? data : data && Array.isArray(data.templates) ? data.templates : null;
  if (!list) throw new Error('This file holds no list of templates.');
  const taken = [...existing];
  return list.map((item, i) => {
    if (!item || typeof item.name !== 'string' || typeof item.text !== 'string') {
      throw new Error(`Template ${i + 1} needs a "name" and a "text".`);
    }
    const given = item.service;
    const service = typeof given === 'string' && given ? given : null;
    const id = typeof item.id === 'string' && item.id && !taken.some((t) => t.id === item.id) ? item.id : newTemplateId(taken);
    const template = { id, name: item.name, text: item.text, service };
    taken.push(template);
    return template;
  });
}

/** The file Export writes: the list, pretty-printed. */
export function exportJson(templates) {
  return JSON.stringify({ templates: templates.map(({ id, name, text, service }) => ({ id, name, text, service: service || null })) }, null, 2);
}
