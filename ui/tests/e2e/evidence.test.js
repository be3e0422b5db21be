// The dispute evidence pack in the real app: from the Demo P2P order chat, "Export evidence
// pack…" writes a folder with the payment screenshot as received, parley-cli verify-pack
// finds it intact with the fingerprint the dialog showed, and a changed byte is named.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSession } from './webdriver.js';

const app = process.env.PARLEY_APP_BIN;
const cli = join(dirname(app), 'parley-cli');
const artifacts = process.env.PARLEY_E2E_ARTIFACTS || fileURLToPath(new URL('../artifacts/', import.meta.url));

/** Runs `parley-cli verify-pack DIR`: {code, out}. */
function verify(dir) {
  try {
    return { code: 0, out: execFileSync(cli, ['verify-pack', dir], { encoding: 'utf8' }) };
  } catch (error) {
    return { code: error.status, out: String(error.stdout) };
  }
}

test('an evidence pack exported from the Demo order chat verifies with parley-cli', async () => {
  mkdirSync(artifacts, { recursive: true });
  // Downloads is where the app writes packs: a throwaway one (XDG user dirs, read at export).
  const downloads = mkdtempSync(join(tmpdir(), 'parley-e2e-downloads-'));
  if (process.env.XDG_CONFIG_HOME) {
    mkdirSync(process.env.XDG_CONFIG_HOME, { recursive: true });
    writeFileSync(join(process.env.XDG_CONFIG_HOME, 'user-dirs.dirs'), `XDG_DOWNLOAD_DIR="${downloads}"\n`);
  }
  const session = await openSession(app, ['--profile', mkdtempSync(join(tmpdir(), 'parley-e2e-evidence-'))]);
  let packDir = null;
  try {
    await session.waitFor('the Demo order chat in the sidebar', () => session.script(`
      const room = [...document.querySelectorAll('#room-list button.room')].find((b) => b.dataset.room === 'demo-mexc\\u00001001');
      if (room) room.click();
      return Boolean(room);`));
    await session.waitFor('the payment screenshot', () => session.script(`
      const img = document.querySelector('#timeline .message.other .media.image img');
      return Boolean(img && img.complete && img.naturalWidth > 0);`));
    await session.clickFirst('#export-evidence');
    await session.waitFor('the export dialog', async () => !(await session.script("return document.getElementById('evidence').hidden")));
    await session.clickFirst('#evidence-export');
    const shown = await session.waitFor('the pack to be written', () => session.script(`
      if (document.getElementById('evidence-status').textContent !== 'Exported.') return null;
      const codes = [...document.querySelectorAll('#evidence-result code')].map((c) => c.textContent);
      return { dir: codes[0], fingerprint: codes[1], text: document.getElementById('evidence-result').textContent };`), 60000);
    packDir = shown.dir;
    writeFileSync(join(artifacts, 'evidence-dialog.png'), await session.screenshot());
    assert.ok(shown.dir.startsWith(process.env.XDG_CONFIG_HOME ? downloads : '/'), shown.dir);
    assert.match(shown.fingerprint, /^[0-9a-f]{64}$/);

    const intact = verify(shown.dir);
    assert.equal(intact.code, 0, intact.out);
    assert.match(intact.out, /^intact: the \d+ files of the manifest/m);
    assert.ok(intact.out.includes(`fingerprint (pack.json seal): ${shown.fingerprint}`), intact.out);
    const media = readdirSync(join(shown.dir, 'media'));
    assert.ok(media.some((name) => /-payment-proof\.png$/.test(name)), media.join(', '));
    const records = JSON.parse(readFileSync(join(shown.dir, 'messages.json'), 'utf8'));
    assert.ok(records.messages.some((m) => m.direction === 'in' && m.sender_name === 'Buyer (demo)'));

    appendFileSync(join(shown.dir, 'transcript.txt'), 'edited later\n');
    const changed = verify(shown.dir);
    assert.equal(changed.code, 1, changed.out);
    assert.match(changed.out, /^changed: transcript\.txt$/m);
  } finally {
    await session.close();
    rmSync(downloads, { recursive: true, force: true });
    if (packDir && !packDir.startsWith(downloads)) rmSync(packDir, { recursive: true, force: true });
  }
});
