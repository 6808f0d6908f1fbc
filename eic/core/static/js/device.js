// On a specialist's pages: logging out removes the offline week and the device's token from this device
// (eic/therapy/views/offline.py). Changes not yet sent are the specialist's own typing: on the offline page they
// are asked before those go too; from another page the unsent changes stay, to be sent at the next log-in.
(function () {
  'use strict';
  document.addEventListener('submit', function (event) {
    if (!event.target.matches('form[data-logout]')) return;
    var keys = Object.keys(localStorage).filter(function (k) { return k.indexOf('eic.offline.') === 0; });
    var queues = keys.filter(function (k) { return /\.queue$/.test(k); });
    var unsent = queues.some(function (k) {
      try { return JSON.parse(localStorage.getItem(k)).length > 0; } catch (e) { return false; }
    });
    var strings = document.getElementById('offline-strings');
    var keepQueue = false;
    if (unsent && strings) {
      if (!window.confirm(JSON.parse(strings.dataset.json).unsentAtLogout)) { event.preventDefault(); return; }
    } else if (unsent) {
      keepQueue = true;
    }
    keys.forEach(function (k) { if (!(keepQueue && /\.queue$/.test(k))) localStorage.removeItem(k); });
  });
})();
