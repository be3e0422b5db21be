// The settings screen: the window and notification choices, the configured accounts (each
// with its service's own details), and the form to add one. Each service's fields live in their
// own module (settings-mockly.js, settings-mexc.js, settings-realtime.js, settings-mixin.js);
// this one shows the chosen service's fields and sends what they ask for.

import { el, clear, byId } from './dom.js';
import { describeState } from './state.js';
import { createMocklyFields } from './settings-mockly.js';
import { createMexcFields, mexcAccountMode, mexcAccountDetails } from './settings-mexc.js';
import { createRealtimeFields, realtimeAccountDetails } from './settings-realtime.js';
import { createMixinFields, mixinAccountMode } from './settings-mixin.js';
import { showErrorAtField, clearFieldErrors } from './field-errors.js';
import { createUnencryptedConsent } from './unencrypted.js';
import { askFirst } from './ask-first.js';
import { showErrorIn } from './error-view.js';
import { accountEditor } from './settings-edit.js';


/** `table[key]` when the table itself has it (a service name is never looked up on Object). */
function own(table, key) {
  return Object.hasOwn(table, key) ? table[key] : null;
}

export function createSettings({
  onAdd, onRemove, onAddChat = async () => {}, onRemoveChat = async () => {}, onOpenOrders = null, onClose,
  onTestRealtime = async () => '', onCheckMixin = async () => ({}), onHideText = async () => {}, onMuteAccount = async () => {}, onAutoMedia = async () => {}, onDesktop = async () => {}, onBrowse = () => {}, onSymbols = async () => {}, onEdit = async () => {}, onTestMockly = null,
}) {
  const dialog = byId('settings');
  const list = byId('account-list');
  const form = byId('add-account');
  const displayName = byId('new-display-name');
  const error = byId('add-account-error');
  const submit = byId('add-account-submit');
  const service = byId('new-service');
  const consent = createUnencryptedConsent(form);
  /** Asks the user to tick the consent when the backend refused an unencrypted address. */
  const askingConsent = (action) => async (request) => {
    try {
      return await action(consent.apply(request));
    } catch (e) {
      if (e.kind === 'needs_confirmation') consent.reveal();
      throw e;
    }
  };
  /** The add-account fields of each service (`fields-<service>` in the page), by service. */
  const forms = {
    // mockly carries no credential: its check before adding asks no consent.
    mockly: createMocklyFields({ onTest: onTestMockly }),
    mexc: createMexcFields({ onModeChange: () => { clearFieldErrors(form); showErrorIn(error, null); consent.update(); } }),
    realtime: createRealtimeFields({ onTest: askingConsent(onTestRealtime) }),
    mixin: createMixinFields({ onCheck: askingConsent(onCheckMixin) }),
  };
  /** What an account row shows after the service's name, by service. */
  const modes = { mexc: mexcAccountMode, mixin: mixinAccountMode };
  /** The details under an account row, by service. */
  const details = {
    mexc: (account) => mexcAccountDetails(account, { onAddChat, onRemoveChat, onOpenOrders }),
    realtime: (account) => realtimeAccountDetails(account, { onLeave: onRemoveChat, onBrowse, onSymbols }),
  };
  const desktopBoxes = { close_to_tray: byId('close-to-tray'), start_at_login: byId('start-at-login'), start_hidden: byId('start-hidden') };
  for (const box of Object.values(desktopBoxes)) {
    box.addEventListener('change', async () => {
      const prefs = Object.fromEntries(Object.entries(desktopBoxes).map(([name, b]) => [name, b.checked]));
      const problem = byId('window-error');
      try {
        await onDesktop(prefs);
        problem.textContent = '';
      } catch (e) {
        box.checked = !box.checked;
        problem.textContent = e.message;
      }
    });
  }
  const hideText = byId('hide-notification-text');
  hideText.addEventListener('change', async () => {
    try {
      await onHideText(hideText.checked);
    } catch {
      hideText.checked = !hideText.checked;
    }
  });
  /** account id -> {node, status, signature} of the rows drawn. */
  const rows = new Map();

  function chosen() {
    return own(forms, service.value) || forms.mockly;
  }

  function showFields() {
    for (const name of Object.keys(forms)) {
      const fields = byId(`fields-${name}`);
      fields.hidden = service.value !== name;
      // A hidden service's fields are disabled too: a value left in one (an invalid address)
      // would otherwise block the form for every other service, with no visible message.
      fields.disabled = fields.hidden;
    }
    clearFieldErrors(form);
    showErrorIn(error, null);
    consent.update();
  }
  service.addEventListener('change', showFields);
  showFields();

  /** The backend's field name → the input of the chosen service's form showing it, or null. */
  function inputFor(field) {
    return field === 'display_name' ? displayName : chosen().inputFor(field);
  }

  /**
   * A problem with a field (the page's own check or the backend's refusal) is shown at that
   * field, which takes the focus; any other right under the Add button, with its details.
   */
  function showProblem(problem) {
    if (!showErrorAtField(problem, inputFor)) showErrorIn(error, problem);
  }

  function reset() {
    displayName.value = '';
    for (const fields of Object.values(forms)) fields.reset();
    clearFieldErrors(form);
    consent.update();
  }

  function close() {
    dialog.hidden = true;
    onClose();
  }
  byId('close-settings').addEventListener('click', close);
  dialog.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close();
  });

  /**
   * Adds the account. A service with a check before adding (mockly) is checked first; when the
   * check fails, the user may still add it ("Add anyway": a server down on purpose).
   */
  async function addAccount({ checked = true } = {}) {
    clearFieldErrors(form);
    showErrorIn(error, null);
    const fields = chosen();
    const { problem, request: payload } = fields.request(displayName.value.trim() || null);
    if (problem) {
      showProblem(problem);
      return;
    }
    if (consent.missing()) {
      showProblem('Tick “Send my credentials to this address unencrypted”, or use an https:// or wss:// address.');
      return;
    }
    submit.disabled = true;
    try {
      if (checked && fields.precheck) {
        try {
          await fields.precheck(payload);
        } catch (e) {
          showProblem(e);
          error.append(el('div', { class: 'add-anyway' }, [
            el('span', { text: 'Not added. If the server is down on purpose, you can add the account anyway; it connects when the server is back.' }),
            el('button', { text: 'Add anyway', attrs: { type: 'button', id: 'add-anyway' }, on: { click: () => addAccount({ checked: false }) } }),
          ]));
          return;
        }
      }
      await askingConsent((request) => onAdd(request, byId('new-auto-media').checked))(payload);
      reset();
      close();
    } catch (e) {
      showProblem(e);
    } finally {
      submit.disabled = false;
    }
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    addAccount();
  });

  return {
    /**
     * Opens at the top (Appearance), not scrolled down to the add form; or, given `account`
     * (the offline banner's Settings), at that account's row, its Edit button focused.
     */
    open({ account = null } = {}) {
      dialog.hidden = false;
      const row = account ? [...list.querySelectorAll('li.account-row')].find((li) => li.dataset.account === account) : null;
      if (row) {
        if (row.scrollIntoView) row.scrollIntoView({ block: 'center' });
        (row.querySelector('.edit-account') || row.querySelector('button')).focus({ preventScroll: true });
        return;
      }
      dialog.querySelector('.settings-panel').scrollTop = 0;
      byId('theme-choice').focus({ preventScroll: true });
    },
    isOpen: () => !dialog.hidden,
    /**
     * Draws the account list. A row is rebuilt only when its account's settings change; a
     * status change updates one line. So a field being typed in is never replaced under the
     * user's fingers, and the form below does not jump while accounts connect.
     */
    render(state) {
      hideText.checked = Boolean(state.notifications && state.notifications.hide_text);
      const desktop = state.desktop || { close_to_tray: true, start_at_login: false, start_hidden: false };
      for (const [name, box] of Object.entries(desktopBoxes)) box.checked = Boolean(desktop[name]);
      if (state.accounts.size === 0) {
        clear(list);
        rows.clear();
        list.append(el('li', { class: 'empty', text: 'No accounts.' }));
        return;
      }
      const empty = list.querySelector(':scope > .empty');
      if (empty) empty.remove();
      for (const [id, row] of rows) {
        if (!state.accounts.has(id)) {
          row.node.remove();
          rows.delete(id);
        }
      }
      let index = 0;
      for (const account of state.accounts.values()) {
        const signature = JSON.stringify([account.display_name, account.demo, account.settings]);
        let row = rows.get(account.id);
        if (!row || row.signature !== signature) {
          const fresh = accountRow(account);
          if (row) row.node.replaceWith(fresh.node);
          row = { ...fresh, signature };
          rows.set(account.id, row);
        }
        row.status.textContent = describeState(account.state, Date.now(), account.stateSince);
        // Moved only when out of order: moving a node would take the focus out of its fields.
        if (list.children[index] !== row.node) list.insertBefore(row.node, list.children[index] || null);
        index += 1;
      }
      const mutedAccounts = (state.notifications && state.notifications.muted_accounts) || [];
      for (const box of list.querySelectorAll('input[data-kind="mute"]')) box.checked = mutedAccounts.includes(box.dataset.account);
      for (const box of list.querySelectorAll('input[data-kind="auto-media"]')) box.checked = state.accounts.get(box.dataset.account)?.auto_media === true;
    },
  };

  /** One account's row, and its status line (updated in place). */
  function accountRow(account) {
    const settings = account.settings || {};
    const mode = own(modes, settings.service);
    const more = own(details, settings.service);
    const status = el('div', { class: 'help' });
    // The Demo is not edited: it is removed, and your own accounts are added.
    const editor = account.demo ? null : accountEditor(account, { onSave: onEdit });
    const node = el('li', { class: 'account-row', attrs: { 'data-account': account.id } }, [
      el('div', { class: 'account-details' }, [
        el('div', { class: 'account-name', text: account.display_name }),
        el('div', { class: 'help', text: `${account.service_label}${mode ? mode(settings) : ''}${settings.client_id ? ` · ${settings.client_id}` : ''}` }),
        el('div', { class: 'help', text: settings.endpoint || settings.blaze_url || '' }),
        status,
        more ? more(account) : null,
        accountSwitch(account, 'mute', 'Mute notifications from this account', onMuteAccount),
        // Loading media tells their host who is looking, so it is a choice per account.
        accountSwitch(account, 'auto-media', 'Load images and videos automatically', onAutoMedia),
        editor ? editor.form : null,
      ]),
      editor ? editor.button : null,
      el('button', {
        text: account.demo ? 'Remove demo' : 'Remove',
        // The name starts with the visible text, so speech and sight agree.
        attrs: { type: 'button', 'aria-label': `${account.demo ? 'Remove demo' : 'Remove'}: ${account.display_name}` },
        on: {
          click: askFirst({
            question: account.demo
              ? 'Remove the Demo for good? Its rooms and messages go with it.'
              : `Remove ${account.display_name}? Its rooms and stored messages are deleted from this computer.`,
            confirmText: account.demo ? 'Remove demo' : 'Remove account',
            act: () => onRemove(account),
          }),
        },
      }),
    ]);
    return { node, status };
  }

  /**
   * One of an account's own switches: `kind` names it (`data-kind` lets render() set it from the
   * state); a change the backend refuses is undone.
   */
  function accountSwitch(account, kind, label, onChange) {
    const id = `${kind}-${account.id}`;
    const box = el('input', { attrs: { id, type: 'checkbox', 'data-kind': kind, 'data-account': account.id } });
    box.addEventListener('change', () => onChange(account.id, box.checked).catch(() => { box.checked = !box.checked; }));
    return el('div', { class: 'checkbox-row' }, [box, el('label', { text: label, attrs: { for: id } })]);
  }
}
