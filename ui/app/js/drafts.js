// What was typed in each room and not sent, kept per room: switching rooms never carries text
// to another conversation (Enter would have sent an order chat's payment details to whoever
// was opened next), and a draft comes back when its room is opened again, also after a
// restart. Kept in the page's local storage (text the user typed, not a secret), bounded.

const KEY = 'parley.drafts';
/** Most rooms with a draft; past it the oldest draft is forgotten. */
export const MAX_DRAFTS = 200;
/** The longest draft kept, in characters (more than any service takes). */
export const MAX_DRAFT_CHARS = 64 * 1024;

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** A draft worth keeping: some text, or an attachment address. */
function isEmpty(draft) {
  return !draft || (!draft.text.trim() && !(draft.kind !== 'text' && draft.url.trim()));
}

function clean(value) {
  if (!value || typeof value !== 'object') return null;
  const text = typeof value.text === 'string' ? value.text.slice(0, MAX_DRAFT_CHARS) : '';
  const kind = ['text', 'image', 'video', 'file'].includes(value.kind) ? value.kind : 'text';
  const url = typeof value.url === 'string' ? value.url.slice(0, 4096) : '';
  const at = Number.isFinite(value.at) ? value.at : 0;
  return { text, kind, url, at };
}

/** The drafts of every room: `get`, `set` (an empty draft removes it), `has`. */
export function createDrafts(store = storage()) {
  /** roomKey → draft, oldest first. */
  const all = new Map();
  /** The storage entry of this profile's drafts (see `useProfile`). */
  let entry = KEY;

  function load() {
    all.clear();
    try {
      const saved = JSON.parse(store?.getItem(entry) || '{}');
      for (const [key, value] of Object.entries(saved)) {
        const draft = clean(value);
        if (!isEmpty(draft)) all.set(key, draft);
      }
    } catch {
      // An unreadable entry: start without drafts rather than fail to start.
    }
  }
  load();

  function save() {
    try {
      store?.setItem(entry, JSON.stringify(Object.fromEntries(all)));
    } catch {
      // Storage full or refused: the drafts stay for this session.
    }
  }

  return {
    /**
     * Keeps to the drafts of the profile whose page storage key this is (from the snapshot): the
     * page's storage is every profile's, and what was typed in one (payment details) must not
     * show in another. Empty: the default profile, under the name drafts always had.
     */
    useProfile(storageKey) {
      const next = storageKey ? `${KEY}:${storageKey}` : KEY;
      if (next === entry) return;
      entry = next;
      load();
    },
    get(key) {
      return all.get(key) || null;
    },
    has(key) {
      return all.has(key);
    },
    /** Keeps `draft` ({text, kind, url}) for the room `key`; returns whether that changed. */
    set(key, draft) {
      const next = clean({ ...draft, at: Date.now() });
      const before = all.get(key);
      if (isEmpty(next)) {
        if (!before) return false;
        all.delete(key);
      } else {
        if (before && before.text === next.text && before.kind === next.kind && before.url === next.url) return false;
        all.delete(key);
        all.set(key, next);
        while (all.size > MAX_DRAFTS) all.delete(all.keys().next().value);
      }
      save();
      return true;
    },
  };
}

/** The page's drafts. */
export const drafts = createDrafts();
