// Loads ui/app/index.html into jsdom and exposes its window as the globals the page's
// modules expect, so tests exercise the real markup and the real modules.

import { JSDOM } from 'jsdom';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const APP = new URL('../../app/', import.meta.url);

export function loadPage() {
  const html = readFileSync(fileURLToPath(new URL('index.html', APP)), 'utf8')
    // The page's own module entry is not run; tests start the app themselves.
    .replace(/<script[^>]*><\/script>/g, '');
  const dom = new JSDOM(html, { pretendToBeVisual: true, url: 'http://tauri.localhost/' });
  const { window } = dom;
  for (const name of ['window', 'document', 'Node', 'HTMLElement', 'Event', 'KeyboardEvent', 'requestAnimationFrame', 'FileReader']) {
    globalThis[name] = name === 'window' ? window : window[name];
  }
  // Scripts never run in this jsdom (runScripts is off), so an injected handler would only
  // show up as an attribute; tests check for those attributes and elements directly.
  return dom;
}

export function nextFrame() {
  return new Promise((resolve) => window.requestAnimationFrame(() => setTimeout(resolve, 0)));
}

export const XSS = '<img src=x onerror=alert(1)>';

const NOTHING = {
  directory: false, members: false, ticker: false, typing: false, media_by_url: false, file_upload: false, order_chats: false, server_history: false,
  max_message_bytes: null, messages_per_minute: null, trouble_after_attempts: null,
};

/** Each service's `capabilities`, as the backend sends them in every account of the snapshot. */
export const CAPABILITIES = {
  mockly: { ...NOTHING, max_message_bytes: 16384 },
  mexc: { ...NOTHING, media_by_url: true, order_chats: true, max_message_bytes: 8192 },
  realtime: {
    ...NOTHING, directory: true, members: true, ticker: true, typing: true, server_history: true,
    max_message_bytes: 65408, messages_per_minute: 100, trouble_after_attempts: 5,
  },
  mixin: { ...NOTHING, file_upload: true, max_message_bytes: 65536 },
};

/** Parley's own previews load from its media scheme; any other image was injected. */
const OWN_MEDIA = /^media:\/\/localhost\/\d+\/(thumb|full|avatar)$/;

/** No element a payload could have created, and no event-handler attribute anywhere. */
export function assertInert(root, assert) {
  const injected = [...root.querySelectorAll('img, script, iframe, svg, object, embed')]
    .filter((n) => !(n.tagName === 'IMG' && OWN_MEDIA.test(n.getAttribute('src') || '')));
  assert.equal(injected.length, 0, 'no injected elements');
  for (const node of root.querySelectorAll('*')) {
    for (const attr of node.getAttributeNames()) {
      assert.ok(!/^on/i.test(attr), `no event handler attribute (${attr} on <${node.tagName}>)`);
    }
  }
}

/**
 * Starts the page's app on a fake backend (`{invoke, channel}`) after loadPage(), and stops it
 * when the file's tests are done.
 */
/** [`startOn`] with a fake backend answering `invoke`; returns `push(events)` into its event channel. */
export async function startWithChannel(invoke) {
  let push = null;
  await startOn({
    invoke,
    channel: (onMessage) => {
      push = onMessage;
      return { id: 1 };
    },
  });
  return (events) => push(events);
}

export async function startOn(backend) {
  const { after } = await import('node:test');
  const { setBackend } = await import('../../app/js/ipc.js');
  const { startApp } = await import('../../app/js/app.js');
  setBackend(backend);
  const app = await startApp();
  after(() => {
    app.stop();
    window.close();
  });
  return app;
}

/** The page's element with this id. */
export const byId = (id) => document.getElementById(id);

/** Lets pending promises and the next drawn frame run. */
export async function settle() {
  await new Promise((r) => setTimeout(r, 0));
  await nextFrame();
}

// A stand-in layout for the timeline: rows stack, a message is 40 px plus 20 px a line of 60
// characters, spacers are their style height; the viewport is 800 px.
export function fakeLayout(container) {
  const proto = window.HTMLElement.prototype;
  const heightOf = (node) => {
    if (node.classList.contains('timeline-spacer')) return parseFloat(node.style.height) || 0;
    if (node.parentNode !== container) return 0;
    return 40 + 20 * Math.ceil(node.textContent.length / 60);
  };
  Object.defineProperty(proto, 'offsetHeight', { configurable: true, get() { return heightOf(this); } });
  Object.defineProperty(proto, 'offsetTop', {
    configurable: true,
    get() {
      let top = 0;
      for (let n = this.previousSibling; n; n = n.previousSibling) top += heightOf(n);
      return top;
    },
  });
  let scrollTop = 0;
  const total = () => [...container.childNodes].reduce((sum, n) => sum + heightOf(n), 0);
  Object.defineProperty(container, 'clientHeight', { get: () => 800 });
  Object.defineProperty(container, 'scrollHeight', { get: total });
  Object.defineProperty(container, 'scrollTop', {
    get: () => scrollTop,
    set: (v) => { scrollTop = Math.max(0, Math.min(v, total() - 800)); },
  });
}
