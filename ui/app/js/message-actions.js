// What a message's context menu does, wired to the rest of the page: copying (announced to
// screen readers), the image viewer, saving media to Downloads, retrying or deleting a failed message,
// quote-reply and the details dialog (which can open the frame inspector at the message).

import { announce } from './announce.js';
import { call } from './ipc.js';
import { roomKey } from './state.js';
import { copyText } from './clipboard.js';
import { createMessageMenu } from './message-menu.js';
import { createMessageDetails } from './message-details.js';
import { installMessageKeys } from './message-keys.js';

/**
 * Installs the menu and the keyboard path on the timeline `container`. `state` names accounts
 * and rooms; `viewer` and `inspector` are the page's; `onRetry(localId)` and `onReply(message)`
 * come from the app (a missing one is not offered).
 */
export function installMessageActions({ container, timeline, state, viewer, inspector, onRetry, onDelete, onReply, showError }) {
  const copy = async (text, what = 'Text') => {
    const ok = await copyText(text);
    announce(ok ? `${what} copied.` : `${what} could not be copied: the clipboard refused it.`);
    return ok;
  };
  const details = createMessageDetails({
    describe: (message) => ({
      accountName: state.accounts.get(message.account)?.display_name || '',
      roomTitle: state.rooms.get(roomKey(message.account, message.room))?.title || '',
    }),
    // The id as it travelled: Parley stores mockly's counter ids with their time and a digest
    // after an `@` (a restarted server reuses them), but frames carry only the counter id.
    onShowFrames: (message) => inspector.open({ account: message.account, text: wireId(message.id) }).catch(showError),
    copy,
  });
  const menu = createMessageMenu(container, {
    messageOf: (localId) => timeline.messageOf(localId),
    actions: {
      copy,
      reply: onReply,
      openImage: (message) => viewer.open(message),
      save: async (message) => {
        announce('Saving…');
        try {
          announce(`Saved to ${await call('save_media', { localId: message.local_id })}`);
        } catch (e) {
          announce(`Not saved: ${e.message}`);
          showError(e);
        }
      },
      retry: onRetry,
      remove: onDelete,
      details: (message) => details.open(message, container.querySelector(`[data-local-id="${message.local_id}"]`) || container),
    },
  });
  installMessageKeys(container);
  return { menu, details };
}

/** The part of a stored service id that the service's frames carry. */
export function wireId(id) {
  return String(id).split('@', 1)[0];
}
