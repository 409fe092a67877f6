/* Live SLA countdowns: every .timer[data-start][data-target] ticks each second and
   changes colour (ok → warn at 75 % → bad past the target). Stopped timers keep their value. */
(function () {
  "use strict";
  window.KendaliDispatch = window.KendaliDispatch || {};
  // The same words as the server's durations: "45 dtk", "2 mnt 10 dtk", "1 jam 5 mnt".
  function fmt(s) {
    s = Math.max(0, Math.floor(s));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    if (h) { return h + " jam" + (m ? " " + m + " mnt" : ""); }
    if (m) { return m + " mnt" + (r ? " " + r + " dtk" : ""); }
    return r + " dtk";
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll(".timer[data-start]").forEach(function (el) {
      var start = Date.parse(el.getAttribute("data-start"));
      if (isNaN(start)) { return; }
      var endAttr = el.getAttribute("data-end");
      var end = endAttr ? Date.parse(endAttr) : NaN;
      var elapsed = ((isNaN(end) ? now : end) - start) / 1000;
      var target = parseFloat(el.getAttribute("data-target")) || 0;
      var level = elapsed > target ? "bad" : (isNaN(end) && elapsed >= 0.75 * target ? "warn" : "ok");
      el.className = "timer timer-" + level;
      var val = el.querySelector(".t-val");
      if (val) { val.textContent = fmt(elapsed) + (isNaN(end) && elapsed <= target ? " (" + fmt(target - elapsed) + " lagi)" : ""); }
    });
  }
  window.KendaliDispatch.tickTimers = tick;
  setInterval(tick, 1000);
  document.addEventListener("DOMContentLoaded", tick);
})();
