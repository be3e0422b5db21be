// Entry point of the page.
import { startApp } from './app.js';
import { call } from './ipc.js';

startApp().catch((error) => {
  const status = document.getElementById('room-status');
  if (status) status.textContent = `Parley could not start: ${error.message || error}`;
}).finally(() => {
  // The window was created hidden; it is shown now that the first screen (or the reason there
  // is none) is drawn (window_reveal.rs).
  call('page_ready').catch(() => {});
});
