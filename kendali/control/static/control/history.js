/* History: incidents (and other registered sources) of the last days per kelurahan as
   a choropleth, and an hour-of-day × weekday table in WIB. */
(function () {
  "use strict";
  // kendali.js is deferred on shell pages: start once every script has run.
  function init() {
  var K = window.Kendali;
  var form = document.getElementById("history-filter");
  var mapEl = document.getElementById("history-map");
  if (!form || !mapEl || !K || !K.cityMap) { return; }
  var cm = K.cityMap(mapEl);
  var SCALE = ["#fff5eb", "#fdd0a2", "#fdae6b", "#fd8d3c", "#e6550d", "#a63603"];

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function shade(n, max) {
    if (!n || !max) { return SCALE[0]; }
    return SCALE[Math.min(SCALE.length - 1, 1 + Math.floor((n / max) * (SCALE.length - 1.01)))];
  }
  function fillSelect(select, items, current) {
    var first = select.options[0].outerHTML;
    select.innerHTML = first + items.map(function (it) {
      return "<option value='" + esc(it.code) + "'" + (it.code === current ? " selected" : "") + ">" + esc(it.label) + "</option>";
    }).join("");
  }
  function render(data) {
    document.getElementById("history-total").textContent = data.total + " catatan" +
      (data.without_kelurahan ? " (" + data.without_kelurahan + " tanpa kelurahan)" : "");
    document.getElementById("history-empty").hidden = data.total > 0;
    fillSelect(form.type, data.types, form.type.value);
    fillSelect(form.priority, data.priorities.map(function (p) { return { code: p, label: p }; }), form.priority.value);
    var names = {};
    cm.kelurahan.eachLayer(function (l) {
      var kode = l.feature.properties.kode;
      var n = data.kelurahan[kode] || 0;
      names[kode] = l.feature.properties.nama;
      l.setStyle({ fillColor: shade(n, data.max_kelurahan), fillOpacity: 0.8 });
      l.setPopupContent("<b>" + esc(l.feature.properties.nama) + "</b><br>" + n + " catatan");
    });
    mapEl.setAttribute("data-total", data.total);
    var top = Object.keys(data.kelurahan).sort(function (a, b) { return data.kelurahan[b] - data.kelurahan[a]; }).slice(0, 10);
    document.getElementById("history-top").innerHTML = top.map(function (k) {
      return "<li>" + esc(names[k] || k) + " <b>" + data.kelurahan[k] + "</b></li>";
    }).join("");
    var head = "<thead><tr><th></th>";
    for (var h = 0; h < 24; h++) { head += "<th>" + (h < 10 ? "0" : "") + h + "</th>"; }
    var body = "</tr></thead><tbody>";
    data.heat.forEach(function (row, i) {
      body += "<tr><th>" + esc(data.weekdays[i]) + "</th>";
      row.forEach(function (n, hour) {
        body += "<td style='background:" + shade(n, data.max_heat) + "' title='" + esc(data.weekdays[i]) + " " + hour + ":00 — " + n + "'>" + (n || "") + "</td>";
      });
      body += "</tr>";
    });
    document.getElementById("history-heat").innerHTML = head + body + "</tbody>";
  }
  function load() {
    var params = new URLSearchParams(new FormData(form));
    return K.fetchJSON("/api/v1/control/history?" + params.toString()).then(render);
  }
  form.addEventListener("change", load);
  form.addEventListener("submit", function (e) { e.preventDefault(); load(); });
  cm.ready.then(load);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
