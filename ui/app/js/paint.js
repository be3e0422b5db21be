// When what the page drew is on screen. The window starts hidden and is shown once the page is
// ready (window_reveal.rs), and a hidden window paints nothing, so the wait starts when the
// page becomes visible.

/** Calls `callback` once the DOM as it is now has been painted in a visible window. */
export function afterVisiblePaint(callback) {
  const afterNextFrame = () => requestAnimationFrame(() => {
    // The frame is painted after its animation-frame callbacks; a posted message runs after it.
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      callback();
    };
    channel.port2.postMessage(null);
  });
  if (document.visibilityState === 'visible') {
    afterNextFrame();
    return;
  }
  document.addEventListener('visibilitychange', function shown() {
    if (document.visibilityState !== 'visible') return;
    document.removeEventListener('visibilitychange', shown);
    afterNextFrame();
  });
}
