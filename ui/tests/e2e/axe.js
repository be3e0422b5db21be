// axe-core in the real window: the serious and critical accessibility violations of the page
// as it is now, described (empty when clean).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export async function axeViolations(session) {
  await session.script(`${axeSource}\nwindow.axe = axe; return true;`);
  const result = await session.scriptAsync(`
    const done = arguments[arguments.length - 1];
    window.axe.run(document, { resultTypes: ['violations'] })
      .then((r) => done(r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', '))))
      .catch((e) => done(['axe failed: ' + e]));`);
  return result;
}
