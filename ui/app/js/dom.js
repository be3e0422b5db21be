// The only way Parley builds DOM: text goes in through textContent and values through
// attributes, so a string from the network never meets an HTML parser.

import { keepFocus } from './focus-keeper.js';

/**
 * Creates an element.
 * @param {string} tag
 * @param {object} [props] `text`, `class`, `attrs` ({name: value}), `on` ({event: handler}), `hidden`
 * @param {Array<Node|string|null|undefined|false>} [children] strings become text nodes
 */
export function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  if (props.class) node.className = props.class;
  if (props.text !== undefined && props.text !== null) node.textContent = String(props.text);
  if (props.hidden) node.hidden = true;
  for (const [name, value] of Object.entries(props.attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (/^on/i.test(name)) throw new Error(`event attributes are not allowed: ${name}`);
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const [event, handler] of Object.entries(props.on || {})) {
    node.addEventListener(event, handler);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

/** Removes every child of `node`. */
export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

/** `document.getElementById` that fails loudly when the page and the code disagree. */
export function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`missing element #${id}`);
  return node;
}

/**
 * Replaces `container`'s children with `fragment`'s unless they would look the same: a part of
 * the page redrawn on every batch of events then costs no layout, no repaint and no lost focus
 * when nothing in it changed. (`isEqualNode` compares the trees: tags, attributes and text.)
 */
export function replaceIfChanged(container, fragment) {
  const fresh = fragment.childNodes;
  const shown = container.childNodes;
  if (fresh.length === shown.length) {
    // Only the children that changed are replaced (banners redrawn for one account's new state
    // keep the others' nodes, so a click on their buttons is never lost mid-press).
    const changed = [...fresh].map((node, i) => (node.isEqualNode(shown[i]) ? null : [shown[i], node])).filter(Boolean);
    if (!changed.length) return false;
    keepFocus(container, () => {
      for (const [old, node] of changed) old.replaceWith(node);
    });
    return true;
  }
  keepFocus(container, () => container.replaceChildren(fragment));
  return true;
}
