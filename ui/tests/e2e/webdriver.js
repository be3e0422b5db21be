// A small W3C WebDriver client over fetch: just what the end-to-end tests use.

import { readdirSync, readFileSync } from 'node:fs';

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
const SERVER = process.env.WEBDRIVER_URL || 'http://127.0.0.1:4444';

async function request(method, path, body) {
  const response = await fetch(`${SERVER}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok || (json.value && json.value.error)) {
    throw new Error(`${method} ${path}: ${JSON.stringify(json.value)}`);
  }
  return json.value;
}

/** Whether a process runs with `profile` on its command line (a Parley on that profile). */
function runsOn(profile) {
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(profile)) return true;
    } catch {
      // It ended meanwhile.
    }
  }
  return false;
}

/**
 * A test that restarts the app on its profile closes the session first; the app may still be
 * closing then. Waits (up to 20 s) for it to end, so the new session is the new app's.
 */
async function untilProfileFree(args) {
  const at = args.indexOf('--profile');
  if (at < 0) return;
  for (let i = 0; i < 200 && runsOn(args[at + 1]); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function openSession(application, args) {
  await untilProfileFree(args);
  const value = await request('POST', '/session', {
    capabilities: { alwaysMatch: { 'tauri:options': { application, args } } },
  });
  const id = value.sessionId;
  const s = (path) => `/session/${id}${path}`;
  const session = {
    async findAll(css) {
      const found = await request('POST', s('/elements'), { using: 'css selector', value: css });
      return found.map((e) => e[ELEMENT]);
    },
    /** The element's textContent (WebKitWebDriver's own text atom returns '' on this page). */
    async text(element) {
      return request('POST', s('/execute/sync'), { script: 'return arguments[0].textContent;', args: [{ [ELEMENT]: element }] });
    },
    async attribute(element, name) {
      return request('GET', s(`/element/${element}/attribute/${name}`));
    },
    async type(element, text) {
      await request('POST', s(`/element/${element}/value`), { text });
    },
    async clearValue(element) {
      await request('POST', s(`/element/${element}/clear`), {});
    },
    async click(element) {
      await request('POST', s(`/element/${element}/click`), {});
    },
    /** Finds and clicks the first match of `css`, again if a live list (the sidebar, redrawn
     * as the Demo's rooms change) replaced it between the find and the click. */
    async clickFirst(css) {
      // WebKitWebDriver may call even the find stale when the list is redrawn during it.
      for (let attempt = 1; ; attempt += 1) {
        try {
          const [element] = await session.findAll(css);
          if (!element) throw new Error(`nothing matches ${css}`);
          return await session.click(element);
        } catch (error) {
          if (attempt >= 5 || !/stale element/.test(error.message)) throw error;
        }
      }
    },
    /** Resizes the window (the narrow-layout tests and screenshots at 640, 1024 and 1600 px). */
    async setWindowSize(width, height) {
      return request('POST', s('/window/rect'), { width, height });
    },
    /** Real input: a right click on `element` (W3C pointer actions, button 2). */
    async contextClick(element) {
      await request('POST', s('/actions'), {
        actions: [{
          type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' },
          actions: [
            { type: 'pointerMove', origin: { [ELEMENT]: element }, x: 0, y: 0 },
            { type: 'pointerDown', button: 2 }, { type: 'pointerUp', button: 2 },
          ],
        }],
      });
      await request('DELETE', s('/actions'));
    },
    /** Real key presses to whatever has focus: `keys` pressed in order, released in reverse. */
    async press(...keys) {
      const down = keys.map((value) => ({ type: 'keyDown', value }));
      const up = [...keys].reverse().map((value) => ({ type: 'keyUp', value }));
      await request('POST', s('/actions'), { actions: [{ type: 'key', id: 'keyboard', actions: [...down, ...up] }] });
      await request('DELETE', s('/actions'));
    },
    async screenshot() {
      return Buffer.from(await request('GET', s('/screenshot')), 'base64');
    },
    async script(source, args = []) {
      return request('POST', s('/execute/sync'), { script: source, args });
    },
    /** Runs async script; it calls its last argument with the result. */
    async scriptAsync(source, args = []) {
      return request('POST', s('/execute/async'), { script: source, args });
    },
    /** Polls `check` until it returns a truthy value. */
    async waitFor(what, check, timeoutMs = 20000) {
      const deadline = Date.now() + timeoutMs;
      let last;
      while (Date.now() < deadline) {
        try {
          last = await check();
          if (last) return last;
        } catch (error) {
          last = error;
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error(`timed out waiting for ${what} (last: ${last})`);
    },
    async close() {
      await request('DELETE', `/session/${id}`);
    },
  };
  return session;
}
