/* The dispatcher board: select an incident (click, ↑/↓, J/K), see its recommended units,
   press 1–9 to assign. Everything refreshes live from the event bus (dispatch.*, incidents.*). */
// Runs after the deferred shell script (kendali.js) has defined Kendali.live/fetchJSON.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var board = document.getElementById("board");
  var panel = document.getElementById("panel");
  var msg = document.getElementById("dispatch-msg");
  var mapEl = document.getElementById("dispatch-map");
  var selectedId = null;
  var city = null, unitLayer = null, incidentLayer = null, pickLayer = null;

  function say(text, bad) {
    msg.hidden = false;
    msg.textContent = text;
    msg.className = bad ? "notice msg-error" : "notice";
  }
  function rows() { return Array.prototype.slice.call(board.querySelectorAll(".incident-row")); }
  function markSelected() {
    rows().forEach(function (r) { r.classList.toggle("selected", r.getAttribute("data-id") === selectedId); });
  }
  var panelSeq = 0, boardSeq = 0;  // answers can arrive out of order; only the newest counts
  function loadPanel() {
    if (!selectedId) { return; }
    var row = board.querySelector('.incident-row[data-id="' + selectedId + '"]');
    if (!row) { return; }
    var seq = ++panelSeq;
    fetch(row.getAttribute("data-panel"), { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        if (seq !== panelSeq) { return; }  // a newer request was sent: never show an older answer
        panel.innerHTML = html; showCandidates(); if (window.KendaliDispatch) { window.KendaliDispatch.tickTimers(); } });
  }
  function select(id) {
    selectedId = id;
    markSelected();
    loadPanel();
  }
  function refreshBoard() {
    var seq = ++boardSeq;
    fetch(board.getAttribute("data-fragment"), { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        if (seq !== boardSeq) { return; }
        board.innerHTML = html; markSelected(); if (window.KendaliDispatch) { window.KendaliDispatch.tickTimers(); } });
    refreshMap();
  }
  function assign(key) {
    var row = panel.querySelector('.candidate[data-key="' + key + '"]');
    if (!row || !selectedId) { return; }
    var callsign = row.getAttribute("data-callsign");
    Kendali.fetchJSON("/api/v1/dispatch/assignments", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ incident_id: parseInt(selectedId, 10), unit_id: parseInt(row.getAttribute("data-unit"), 10) })
    }).then(function (a) {
      say(callsign + " ditugaskan ke " + a.incident_number + ".");
      loadPanel();
      refreshBoard();
    }).catch(function (err) { say(err.message, true); loadPanel(); });
  }
  function showCandidates() {
    if (!pickLayer) { return; }
    pickLayer.clearLayers();
    panel.querySelectorAll(".candidate").forEach(function (c) {
      var lat = parseFloat(c.getAttribute("data-lat")), lon = parseFloat(c.getAttribute("data-lon"));
      if (isNaN(lat)) { return; }
      // The number key only, as a round label on the unit: short labels do not overlap,
      // the callsign is in the hover tooltip and the table.
      L.marker([lat, lon], {
        icon: L.divIcon({ className: "pick-key", html: c.getAttribute("data-key"), iconSize: [22, 22] }),
        title: c.getAttribute("data-callsign"), zIndexOffset: 1000
      }).bindTooltip(c.getAttribute("data-key") + " · " + c.getAttribute("data-callsign"), { direction: "top", offset: [0, -10] })
        .addTo(pickLayer);
    });
  }
  function refreshMap() {
    if (!city) { return; }
    Kendali.fetchJSON(mapEl.getAttribute("data-board")).then(function (data) {
      unitLayer.clearLayers();
      unitLayer.addData(data.units);
      incidentLayer.clearLayers();
      data.incidents.forEach(function (i) {
        if (i.lat === null) { return; }
        L.marker([i.lat, i.lon], { title: i.number })
          .bindPopup("<b>" + i.number + "</b> " + i.priority + "<br>" + i.type + "<br>" + (i.units.join(", ") || "—"))
          .on("click", function () { select(String(i.id)); })
          .addTo(incidentLayer);
      });
    });
  }

  board.addEventListener("click", function (ev) {
    var row = ev.target.closest(".incident-row");
    if (row) { select(row.getAttribute("data-id")); }
  });
  document.addEventListener("keydown", function (ev) {
    var tag = (ev.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    var list = rows();
    var idx = list.findIndex(function (r) { return r.getAttribute("data-id") === selectedId; });
    if (ev.key === "ArrowDown" || ev.key === "j") {
      ev.preventDefault();
      if (list.length) { select(list[Math.min(idx + 1, list.length - 1)].getAttribute("data-id")); }
    } else if (ev.key === "ArrowUp" || ev.key === "k") {
      ev.preventDefault();
      if (list.length) { select(list[Math.max(idx - 1, 0)].getAttribute("data-id")); }
    } else if (/^[1-9]$/.test(ev.key)) {
      ev.preventDefault();
      assign(ev.key);
    } else if (ev.key === "Enter" && selectedId) {
      window.location.href = "/dispatch/kejadian/" + selectedId + "/";
    }
  });

  if (mapEl && window.Kendali && Kendali.cityMap) {
    city = Kendali.cityMap(mapEl);
    unitLayer = L.geoJSON(null, {
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, { radius: 7, color: "#222", weight: 1, fillColor: f.properties.color, fillOpacity: 0.95 });
      },
      onEachFeature: function (f, layer) { layer.bindPopup(f.properties.popup); layer.bindTooltip(f.properties.label); }
    }).addTo(city.map);
    incidentLayer = L.layerGroup().addTo(city.map);
    pickLayer = L.layerGroup().addTo(city.map);
    refreshMap();
  }

  var pending = null;
  function soon() {
    if (pending) { return; }
    pending = setTimeout(function () { pending = null; refreshBoard(); if (selectedId) { loadPanel(); } }, 400);
  }
  if (window.Kendali && Kendali.live) {
    Kendali.live.on("dispatch.", soon);
    Kendali.live.on("incidents.", soon);
    Kendali.live.on("kendali.reset", soon);
    Kendali.live.start();
  }
  var first = rows()[0];
  if (first) { select(first.getAttribute("data-id")); }
});
