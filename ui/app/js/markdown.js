// Markdown for posts (Mixin's PLAIN_POST), rendered safely: the text is parsed here into DOM
// nodes built with el(); no HTML from the message is ever parsed, so `<b>` stays visible text.
// Supported: headings, paragraphs, bullet and numbered lists, quotes, fenced code, **bold**,
// *italic*, `code` and [links](https://…) (opened in the system browser, address shown).

import { el } from './dom.js';

const INLINE = /(\*\*[^*]+\*\*|\*[^*\s][^*]*\*|`[^`]+`|\[[^\]]+\]\([^)\s]+\))/g;

function inline(text, openLink) {
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    const token = match[0];
    if (token.startsWith('**')) parts.push(el('strong', { text: token.slice(2, -2) }));
    else if (token.startsWith('`')) parts.push(el('code', { text: token.slice(1, -1) }));
    else if (token.startsWith('[')) parts.push(link(token, openLink));
    else parts.push(el('em', { text: token.slice(1, -1) }));
    last = match.index + token.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

function link(token, openLink) {
  const close = token.indexOf('](');
  const label = token.slice(1, close);
  const url = token.slice(close + 2, -1);
  if (!/^https?:\/\//i.test(url)) return `${label} (${url})`;
  return el('button', {
    class: 'link-button inline-link',
    text: `${label} (${url})`,
    attrs: { type: 'button', title: url },
    on: { click: () => openLink(url) },
  });
}

/** The post as a list of block nodes. */
export function renderMarkdown(source, openLink = () => {}) {
  const blocks = [];
  const lines = String(source).replace(/\r\n?/g, '\n').split('\n');
  let list = null;
  let paragraph = [];
  const flush = () => {
    if (paragraph.length) blocks.push(el('p', {}, inline(paragraph.join(' '), openLink)));
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i];
    if (line.startsWith('```')) {
      flush();
      list = null;
      const code = [];
      for (i += 1; i < lines.length && !lines[i].startsWith('```'); i += 1) code.push(lines[i]);
      blocks.push(el('pre', {}, [el('code', { text: code.join('\n') })]));
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
    const numbered = /^\s*\d+[.)]\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      list = null;
      blocks.push(el(`h${Math.min(heading[1].length + 2, 6)}`, {}, inline(heading[2], openLink)));
    } else if (bullet || numbered) {
      flush();
      const tag = bullet ? 'ul' : 'ol';
      if (!list || list.tagName.toLowerCase() !== tag) {
        list = el(tag);
        blocks.push(list);
      }
      list.append(el('li', {}, inline((bullet || numbered)[1], openLink)));
    } else if (line.startsWith('>')) {
      flush();
      list = null;
      blocks.push(el('blockquote', {}, inline(line.replace(/^>\s?/, ''), openLink)));
    } else if (!line.trim()) {
      flush();
      list = null;
    } else {
      list = null;
      paragraph.push(line.trim());
    }
  }
  flush();
  return blocks;
}
