// Entry point of the page.
import { startApp } from './app.js';

startApp().catch((error) => {
  const status = document.getElementById('room-status');
  if (status) status.textContent = `Parley could not start: ${error.message || error}`;
});
