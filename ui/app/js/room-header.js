// The open room's header and what hangs under it: the title, the account's status line, Mute,
// "Browse rooms" (capability directory), the Members toggle and panel (capability members), and
// the live parts that events change: online count, who is typing, the members panel and the
// ticker (capability ticker). It also tells the composer which room it writes to and what that
// room's account can do.

import { byId, el, clear } from './dom.js';
import { call } from './ipc.js';
import { soundOn } from './sound.js';
import { describeState, roomState, typingIn, typingLine, roomMembers, isMuted, openRoomOf, openRoomName } from './state.js';
import { capabilitiesOf } from './capabilities.js';
import { renderTicker } from './ticker.js';

/**
 * `onBrowse(account)` opens the room directory of an account; `onExportEvidence(room)` the
 * evidence pack export of the open room.
 */
export function createRoomHeader({ state, composer, onBrowse, onExportEvidence = () => {}, showError }) {
  const view = {
    title: byId('room-title'),
    online: byId('room-online'),
    status: byId('room-status'),
    typing: byId('room-typing'),
    ticker: byId('ticker'),
    members: byId('members'),
    membersButton: byId('toggle-members'),
    muteButton: byId('toggle-mute'),
    soundButton: byId('toggle-sound'),
    browseButton: byId('browse-rooms'),
    exportButton: byId('export-evidence'),
  };

  function openAccount() {
    const room = openRoomOf(state);
    return room ? state.accounts.get(room.account) || null : null;
  }

  view.browseButton.addEventListener('click', () => {
    const account = openAccount();
    if (account) onBrowse(account);
  });
  view.exportButton.addEventListener('click', () => {
    const room = openRoomOf(state);
    if (room) onExportEvidence(room);
  });
  view.muteButton.addEventListener('click', async () => {
    const room = openRoomOf(state);
    if (!room) return;
    try {
      state.notifications = await call('set_muted', { account: room.account, room: room.room, muted: !isMuted(state, room.account, room.room) });
      draw();
    } catch (e) {
      showError(e);
    }
  });
  view.soundButton.addEventListener('click', async () => {
    const room = openRoomOf(state);
    if (!room) return;
    try {
      state.notifications = await call('set_room_sound', { account: room.account, room: room.room, on: !soundOn(state, room.account, room.room) });
      draw();
    } catch (e) {
      showError(e);
    }
  });
  view.membersButton.addEventListener('click', () => {
    view.members.hidden = !view.members.hidden;
    view.membersButton.setAttribute('aria-expanded', String(!view.members.hidden));
    drawLive();
  });

  /** The whole header. */
  function draw() {
    const room = openRoomOf(state);
    const name = openRoomName(state);
    view.title.textContent = room ? name : 'No room open';
    const account = openAccount();
    const can = capabilitiesOf(account);
    const shown = account ? roomState(account, room.room) : null;
    view.status.textContent = account ? `${account.display_name}: ${describeState(shown, Date.now(), account.stateSince)}` : '';
    view.status.dataset.state = shown ? shown.state : '';
    composer.setRoom(room ? name : null, can, room ? state.openRoom : null);
    const muted = room ? isMuted(state, room.account, room.room) : false;
    view.muteButton.hidden = !room;
    view.muteButton.textContent = muted ? 'Unmute' : 'Mute';
    view.muteButton.setAttribute('aria-pressed', String(muted));
    view.muteButton.title = muted ? 'New messages here do not notify' : 'Stop notifications for this room';
    const sound = room ? soundOn(state, room.account, room.room) : false;
    view.soundButton.hidden = !room;
    view.soundButton.textContent = sound ? 'Sound on' : 'Sound off';
    view.soundButton.setAttribute('aria-pressed', String(sound));
    view.soundButton.title = muted
      ? 'Muted: no sound whatever this says'
      : sound ? 'A new message here plays a short sound; click to silence' : 'Click to hear a short sound for new messages here';
    view.browseButton.hidden = !can.directory;
    view.exportButton.hidden = !room;
    view.membersButton.hidden = !can.members;
    if (!can.members) view.members.hidden = true;
    // The panel can close without a click (a room without members): the button says so too.
    view.membersButton.setAttribute('aria-expanded', String(!view.members.hidden));
    drawLive();
  }

  /** Presence, typing, members and the ticker: the parts live events change. */
  function drawLive() {
    const room = openRoomOf(state);
    const account = openAccount();
    const can = capabilitiesOf(account);
    let online = room ? state.presence.get(state.openRoom) : undefined;
    const members = can.members ? roomMembers(state, state.openRoom) : [];
    // Members come from presence events, with no snapshot: only people seen coming online
    // count, so none is "unknown".
    if (can.members) online = members.filter((m) => m.online).length || undefined;
    // A count heard before the connection dropped says nothing about now.
    if (account?.state?.state !== 'open') online = undefined;
    view.online.textContent = online === undefined ? '' : `${online} online`;
    view.typing.textContent = room ? typingLine(typingIn(state, state.openRoom)) : '';
    renderTicker(view.ticker, state, account);
    if (!view.members.hidden) {
      clear(view.members);
      view.members.append(el('ul', { attrs: { 'aria-label': 'Members seen in this room' } }, members.map((m) =>
        el('li', { class: m.online ? 'member online' : 'member' }, [
          el('span', { class: `dot ${m.online ? 'dot-open' : 'dot-unknown'}`, attrs: { role: 'img', 'aria-label': m.online ? 'online' : 'offline' } }),
          el('span', { text: m.name, attrs: { title: m.id } }),
        ]))));
      if (members.length === 0) view.members.append(el('p', { class: 'help', text: 'Nobody has written here yet.' }));
    }
  }

  return { draw, drawLive };
}
