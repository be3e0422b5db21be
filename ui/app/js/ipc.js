// The one module that talks to the Rust backend (and the only one that touches
// window.__TAURI__). Tests swap the backend for a fake with setBackend().

let backend = null;

function tauriBackend() {
  const tauri = window.__TAURI__;
  if (!tauri || !tauri.core) throw new Error('Parley must run inside its desktop shell');
  return {
    invoke: (command, args) => tauri.core.invoke(command, args),
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

/** Calls a backend command; rejects with the backend's message on failure. */
export async function call(command, args = {}) {
  try {
    return await current().invoke(command, args);
  } catch (error) {
    throw new Error(typeof error === 'string' ? error : (error && error.message) || String(error));
  }
}

/** Starts the event stream: `onBatch` receives arrays of events, one call per batch. */
export function subscribe(onBatch) {
  const channel = current().channel(onBatch);
  return call('subscribe', { onEvents: channel });
}
