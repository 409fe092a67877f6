/* Public map of reports: compact points from /lapor/peta/data.json, coloured by status. */
(function () {
  "use strict";
  var el = document.getElementById("peta-publik");
  if (!el || !window.L) { return; }
  var map = L.map(el, { preferCanvas: true }).setView([-6.12, 106.16], 12);
  var tiles = el.getAttribute("data-tiles");
  if (tiles) { L.tileLayer(tiles, { maxZoom: 19, attribution: el.getAttribute("data-attribution") || "" }).addTo(map); }
  fetch("/api/v1/regions/?level=kecamatan").then(function (r) { return r.json(); }).then(function (fc) {
    L.geoJSON(fc, { style: { color: "#0b2239", weight: 2, fillColor: "#ffffff", fillOpacity: tiles ? 0 : 0.6 }, interactive: false }).addTo(map).bringToBack();
  }).catch(function () {});
  fetch(el.getAttribute("data-src")).then(function (r) { return r.json(); }).then(function (data) {
    var layer = L.layerGroup();
    data.points.forEach(function (p) {
      L.circleMarker([p[0], p[1]], { radius: 5, weight: 1, color: "#fff", fillColor: data.colors[p[2]] || "#333", fillOpacity: 0.9 })
        .bindPopup('<a href="/lapor/' + p[4] + '/">' + p[4] + "</a>").addTo(layer);
    });
    layer.addTo(map);
    el.setAttribute("data-count", data.shown);
    var note = document.getElementById("peta-jumlah");
    if (note) { note.textContent = data.shown >= data.limit ? (data.shown + " laporan terbaru ditampilkan di peta") : (data.shown + " laporan di peta"); }
  });
})();
