// Light and dark themes: by default the page follows the system (CSS prefers-color-scheme);
// the user can pin one in Settings. The choice is a display preference, kept in the page's
// local storage (it is not a secret and the backend has no use for it).

const KEY = 'parley.theme';

export function savedTheme() {
  try {
    return window.localStorage.getItem(KEY) || 'system';
  } catch {
    return 'system';
  }
}

const systemDark = () => Boolean(window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches);
let following = false;

/** Applies `theme` (system, light or dark) and remembers it. */
export function applyTheme(theme) {
  const chosen = ['light', 'dark'].includes(theme) ? theme : 'system';
  const shown = chosen === 'system' ? (systemDark() ? 'dark' : 'light') : chosen;
  document.documentElement.setAttribute('data-theme', shown);
  if (chosen === 'system' && !following && window.matchMedia) {
    // Follow the system while "system" is the choice.
    following = true;
    window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
      if (savedTheme() === 'system') applyTheme('system');
    });
  }
  try {
    window.localStorage.setItem(KEY, chosen);
  } catch {
    // Storage refused (private mode): the choice lasts for this session.
  }
  return chosen;
}
