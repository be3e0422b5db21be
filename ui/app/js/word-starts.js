// Where the words of a search start in a text, for highlighting results (search.js): one pass
// over the text with an Aho–Corasick automaton of the words, so the time is linear in the text
// plus the query, whatever either holds (a hostile message or a pasted megabyte of query).

/**
 * For each index `i` of `text`, the length of the longest of `words` that starts there (0 if
 * none). The automaton is built over the reversed words and run over the text from its end:
 * a word that ends where the reversed scan stands is a word that starts there in the text.
 */
export function longestWordAt(text, words) {
  // The trie; node 0 is the root. A node's first child is kept in arrays (a long word's nodes
  // have one), further children in `more`, keyed by node * 0x10000 + code unit.
  const childCode = [-1];
  const childNode = [0];
  const more = new Map();
  const parentOf = [0];
  const codeOf = [0];
  const depthOf = [0];
  const wordLength = [0];
  const childOf = (node, code) => (childCode[node] === code ? childNode[node] : more.get(node * 0x10000 + code));
  for (const word of words) {
    let node = 0;
    for (let i = word.length - 1; i >= 0; i -= 1) {
      const code = word.charCodeAt(i);
      let child = childOf(node, code);
      if (child === undefined) {
        child = parentOf.length;
        parentOf.push(node);
        codeOf.push(code);
        depthOf.push(depthOf[node] + 1);
        wordLength.push(0);
        childCode.push(-1);
        childNode.push(0);
        if (childCode[node] === -1) {
          childCode[node] = code;
          childNode[node] = child;
        } else more.set(node * 0x10000 + code, child);
      }
      node = child;
    }
    wordLength[node] = Math.max(wordLength[node], word.length);
  }
  const count = parentOf.length;
  const fail = new Int32Array(count);
  /** The longest word ending at a node or along its failure links. */
  const best = new Int32Array(count);
  const step = (from, code) => {
    for (let node = from; ; node = fail[node]) {
      const child = childOf(node, code);
      if (child !== undefined) return child;
      if (node === 0) return 0;
    }
  };
  // Failure links by depth (a counting sort): a link always points to a shallower node.
  const atDepth = new Int32Array(count + 1);
  for (let node = 1; node < count; node += 1) atDepth[depthOf[node]] += 1;
  for (let d = 1; d <= count; d += 1) atDepth[d] += atDepth[d - 1];
  const order = new Int32Array(count);
  for (let node = count - 1; node >= 1; node -= 1) order[(atDepth[depthOf[node]] -= 1)] = node;
  for (let k = 0; k < count - 1; k += 1) {
    const node = order[k];
    const parent = parentOf[node];
    fail[node] = parent === 0 ? 0 : step(fail[parent], codeOf[node]);
    best[node] = wordLength[node] || best[fail[node]];
  }
  const longest = new Int32Array(text.length);
  let state = 0;
  for (let i = text.length - 1; i >= 0; i -= 1) {
    state = step(state, text.charCodeAt(i));
    longest[i] = best[state];
  }
  return longest;
}
