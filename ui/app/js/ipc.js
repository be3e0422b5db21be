// The one module that talks to the Rust backend (and the only one that touches
// window.__TAURI__). Tests swap the backend for a fake with setBackend().

let backend = null;

function tauriBackend() {
  const tauri = window.__TAURI__;
  if (!tauri || !tauri.core) throw new Error('Parley must run inside its desktop shell');
  return {
    invoke: (command, args, options) => tauri.core.invoke(command, args, options),
    channel: (onMessage) => {
      const channel = new tauri.core.Channel();
      channel.onmessage = onMessage;
      return channel;
    },
  };
}

function current() {
  if (!backend) backend = tauriBackend();
  return backend;
}

/** Replaces the backend (UI tests). */
export function setBackend(fake) {
  backend = fake;
}

/**
 * The Error a failed command throws. Commands reject with `{kind, message, detail?,
 * retry_after_ms?, field?}`; the page reads `.kind` (invalid_input, unknown_account, unknown_room,
 * service_refused, unreachable, keyring, storage, internal), `.field` (the settings field at
 * fault, or null) and `.retryAfterMs` (when the service asks to wait, or null), never the wording. Anything
 * else (a plain string, a JS error) becomes kind `internal` with its text as the message.
 */
export function backendError(reason) {
  const given = reason && typeof reason === 'object' ? reason : null;
  let message;
  if (typeof reason === 'string') message = reason;
  else if (given && typeof given.message === 'string') message = given.message;
  else message = String(reason);
  const error = new Error(message);
  error.kind = given && typeof given.kind === 'string' && given.kind ? given.kind : 'internal';
  error.field = given && typeof given.field === 'string' && given.field ? given.field : null;
  // The technical text behind the message, shown under "Details" (error-view.js).
  error.detail = given && typeof given.detail === 'string' && given.detail ? given.detail : null;
  const wait = given ? given.retry_after_ms : undefined;
  error.retryAfterMs = typeof wait === 'number' && Number.isFinite(wait) && wait >= 0 ? wait : null;
  // A settings check's steps ({label, outcome, detail?}), when the failure ended one.
  error.steps = given && Array.isArray(given.steps) ? given.steps : [];
  return error;
}

/**
 * Calls a command whose body is raw bytes (a file: no JSON, no base64), naming the rest in
 * `headers`; rejects as call() does.
 */
export async function callWithBytes(command, bytes, headers) {
  try {
    return await current().invoke(command, bytes, { headers });
  } catch (error) {
    throw backendError(error);
  }
}

/** Calls a backend command; rejects with backendError() of the backend's rejection. */
export async function call(command, args = {}) {
  try {
    return await current().invoke(command, args);
  } catch (error) {
    throw backendError(error);
  }
}

/** Starts the event stream: `onBatch` receives arrays of events, one call per batch. */
export function subscribe(onBatch) {
  const channel = current().channel(onBatch);
  return call('subscribe', { onEvents: channel });
}
