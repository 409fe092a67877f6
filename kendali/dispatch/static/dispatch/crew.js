/* The crew phone page: sends the browser's position every ~15 s (batched when the
   network drops: positions are kept and sent together with their own timestamps). */
// Runs after the deferred shell script (kendali.js) has defined Kendali.live/fetchJSON.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var state = document.getElementById("gps-state");
  var select = document.getElementById("crew-unit-select");
  if (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  }
  if (!state || !navigator.geolocation) { return; }
  var url = state.getAttribute("data-url");
  var queue = [];
  var lastSent = 0;
  function flush() {
    if (!queue.length) { return; }
    var batch = queue.slice(0, 200);
    Kendali.fetchJSON(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ positions: batch })
    }).then(function (r) {
      queue = queue.slice(batch.length);
      state.textContent = "Posisi GPS terkirim " + new Date().toLocaleTimeString("id-ID") + " (" + r.accepted + " diterima)";
    }).catch(function (err) {
      state.textContent = "Posisi belum terkirim (" + err.message + "); dicoba lagi.";
    });
  }
  navigator.geolocation.watchPosition(function (pos) {
    var now = Date.now();
    if (now - lastSent < 15000) { return; }
    lastSent = now;
    queue.push({ lat: pos.coords.latitude, lon: pos.coords.longitude, accuracy: pos.coords.accuracy, at: new Date(pos.timestamp).toISOString() });
    if (queue.length > 500) { queue = queue.slice(-500); }
    flush();
  }, function (err) {
    state.textContent = "GPS tidak tersedia: " + err.message;
  }, { enableHighAccuracy: true, maximumAge: 10000, timeout: 30000 });
  setInterval(flush, 30000);
});
