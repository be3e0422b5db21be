// The room open when Parley was last used, so a restart comes back to it. A display
// preference in the page's local storage (a room key is not a secret).

const KEY = 'parley.lastRoom';
/** This profile's entry (see `drafts.useProfile`). */
let entry = KEY;

export const lastRoom = {
  /** Keeps to this profile's last room (its page storage key, from the snapshot). */
  useProfile(storageKey) {
    entry = storageKey ? `${KEY}:${storageKey}` : KEY;
  },
  get() {
    try {
      return window.localStorage.getItem(entry);
    } catch {
      return null;
    }
  },
  set(key) {
    try {
      if (key) window.localStorage.setItem(entry, key);
    } catch {
      // Storage refused: the first room opens next time.
    }
  },
};
