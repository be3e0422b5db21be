// What an account can do, as the backend says in each account of the snapshot
// (`account.capabilities`). The page branches on these, never on the name of a service: a
// new service gets the ticker, the members panel or server history by saying it can.

/** An account that says nothing can do nothing beyond sending text. */
export const NO_CAPABILITIES = Object.freeze({
  directory: false,
  members: false,
  ticker: false,
  typing: false,
  media_by_url: false,
  file_upload: false,
  server_history: false,
  max_message_bytes: null,
  messages_per_minute: null,
  trouble_after_attempts: null,
});

const FLAGS = ['directory', 'members', 'ticker', 'typing', 'media_by_url', 'file_upload', 'order_chats', 'server_history'];
const LIMITS = ['max_message_bytes', 'messages_per_minute', 'trouble_after_attempts'];
/** The backend's object -> the checked copy (read on every drawn batch). */
const checked = new WeakMap();

/**
 * The capabilities of `account` (an account view, or null): every flag a boolean (true only
 * when the backend says true) and every limit a positive number or null.
 */
export function capabilitiesOf(account) {
  const given = account && account.capabilities;
  if (!given || typeof given !== 'object') return NO_CAPABILITIES;
  const known = checked.get(given);
  if (known) return known;
  const result = {};
  for (const name of FLAGS) result[name] = given[name] === true;
  for (const name of LIMITS) {
    const value = given[name];
    result[name] = typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
  }
  Object.freeze(result);
  checked.set(given, result);
  return result;
}
