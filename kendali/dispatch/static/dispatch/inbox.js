/* The agency inbox reloads when a new assignment, referral or notification arrives. */
// Runs after the deferred shell script (kendali.js) has defined Kendali.live/fetchJSON.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  if (!window.Kendali || !Kendali.live) { return; }
  var timer = null;
  function reload() {
    if (timer) { return; }
    timer = setTimeout(function () {
      var active = document.activeElement;
      if (active && (active.tagName === "INPUT" || active.tagName === "TEXTAREA")) { timer = null; return; }
      window.location.reload();
    }, 800);
  }
  Kendali.live.on("dispatch.assignment", reload);
  Kendali.live.on("dispatch.referral", reload);
  Kendali.live.on("core.notification", reload);
  Kendali.live.start();
});
