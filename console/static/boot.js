// The console's entry module (no inline script: the CSP allows only files from 'self').
// The stored theme goes on <html> before the app starts, so the page never flashes the
// other one; then the wasm app starts (its glue finds console_bg.wasm beside itself).
import init from './console.js';

try {
  const theme = localStorage.getItem('rapport-console-theme');
  if (theme === 'dark' || theme === 'light') document.documentElement.dataset.theme = theme;
} catch (_) {
  // Storage refused (privacy mode): the system's theme applies.
}

init().catch((error) => {
  const main = document.getElementById('main');
  if (main) main.textContent = 'The console could not start: ' + error;
});
