// The room open when Parley was last used, so a restart comes back to it. A display
// preference in the page's local storage (a room key is not a secret).

const KEY = 'parley.lastRoom';

export const lastRoom = {
  get() {
    try {
      return window.localStorage.getItem(KEY);
    } catch {
      return null;
    }
  },
  set(key) {
    try {
      if (key) window.localStorage.setItem(KEY, key);
    } catch {
      // Storage refused: the first room opens next time.
    }
  },
};
