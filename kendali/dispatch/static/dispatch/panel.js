/* The incident's dispatch page: the same keys as on the board — 1–9 assigns the recommended
   unit of that number (through the API, with the CSRF header), then the page reloads. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var panel = document.querySelector(".panel[data-incident]");
  if (!panel || !window.Kendali) { return; }
  var msg = document.getElementById("dispatch-msg");
  function say(text, bad) {
    if (!msg) { return; }
    msg.hidden = false; msg.textContent = text; msg.className = bad ? "notice msg-error" : "notice";
  }
  document.addEventListener("keydown", function (ev) {
    var tag = (ev.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    if (!/^[1-9]$/.test(ev.key)) { return; }
    var row = panel.querySelector('.candidate[data-key="' + ev.key + '"]');
    if (!row) { return; }
    ev.preventDefault();
    var callsign = row.getAttribute("data-callsign");
    Kendali.fetchJSON("/api/v1/dispatch/assignments", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ incident_id: parseInt(panel.getAttribute("data-incident"), 10), unit_id: parseInt(row.getAttribute("data-unit"), 10) })
    }).then(function (a) {
      say(callsign + " ditugaskan ke " + a.incident_number + ".");
      window.setTimeout(function () { window.location.reload(); }, 600);
    }).catch(function (err) { say(err.message, true); });
  });
});
