/* The public report form: pick a point (or a length of street for roads and drains) on
   the map, warn of emergencies, and show open reports of the same problem nearby. */
(function () {
  "use strict";
  var el = document.getElementById("peta");
  var select = document.getElementById("f-kategori");
  if (!el || !select || !window.L) { return; }
  var lat = document.getElementById("f-lat"), lon = document.getElementById("f-lon"), line = document.getElementById("f-line");
  var hint = document.getElementById("peta-hint"), dups = document.getElementById("mirip");
  var status = document.getElementById("peta-status");
  var lineCodes = (select.getAttribute("data-line") || "").split(","), emergency = (select.getAttribute("data-emergency") || "").split(",");
  var map = L.map(el, { preferCanvas: true }).setView([-6.12, 106.16], 13);
  var tiles = el.getAttribute("data-tiles");
  if (tiles) { L.tileLayer(tiles, { maxZoom: 19, attribution: el.getAttribute("data-attribution") || "" }).addTo(map); }
  fetch("/api/v1/regions/?level=kecamatan").then(function (r) { return r.json(); }).then(function (fc) {
    L.geoJSON(fc, { style: { color: "#0b2239", weight: 2, fillColor: "#ffffff", fillOpacity: tiles ? 0 : 0.6 }, interactive: false,
      onEachFeature: function (f, layer) { layer.bindTooltip(f.properties.nama, { permanent: true, direction: "center" }); } }).addTo(map);
  }).catch(function () {});
  var marker = null, path = null, points = [];
  function isLine() { return lineCodes.indexOf(select.value) >= 0; }
  function checkDuplicates() {
    if (!select.value || !lat.value) { dups.innerHTML = ""; return; }
    fetch("/lapor/mirip/?kategori=" + encodeURIComponent(select.value) + "&lat=" + lat.value + "&lon=" + lon.value)
      .then(function (r) { return r.text(); }).then(function (html) { dups.innerHTML = html; }).catch(function () {});
  }
  // Said in words too (a live region), so a screen-reader or keyboard user knows a mark landed.
  function announce() {
    if (!status) { return; }
    if (!lat.value) { status.textContent = status.getAttribute("data-none"); return; }
    status.textContent = isLine()
      ? status.getAttribute("data-line") + " " + points.length
      : status.getAttribute("data-point") + " " + lat.value + ", " + lon.value;
  }
  function clear() {
    if (marker) { map.removeLayer(marker); marker = null; }
    if (path) { map.removeLayer(path); path = null; }
    points = []; lat.value = lon.value = line.value = ""; dups.innerHTML = "";
    announce();
  }
  function setPoint(ll) {
    if (isLine()) {
      points.push([+ll.lat.toFixed(6), +ll.lng.toFixed(6)]);
      if (path) { path.setLatLngs(points); } else { path = L.polyline(points, { color: "#b2182b", weight: 5 }).addTo(map); }
      if (!marker) { marker = L.circleMarker(ll, { radius: 6 }).addTo(map); }
      line.value = points.length >= 2 ? JSON.stringify(points) : "";
      var mid = points[Math.floor(points.length / 2)];
      lat.value = mid[0]; lon.value = mid[1];
    } else {
      if (marker) { marker.setLatLng(ll); } else { marker = L.marker(ll).addTo(map); }
      lat.value = ll.lat.toFixed(6); lon.value = ll.lng.toFixed(6);
    }
    checkDuplicates();
    announce();
  }
  map.on("click", function (e) { setPoint(e.latlng); });
  // Keyboard: Leaflet pans with the arrows and zooms with +/-; Enter or Space on the map
  // itself (not on its zoom buttons) marks the centre, so no mouse is needed.
  el.addEventListener("keydown", function (e) {
    if (e.target !== el || (e.key !== "Enter" && e.key !== " ")) { return; }
    e.preventDefault();
    setPoint(map.getCenter());
  });
  select.addEventListener("change", function () {
    document.getElementById("darurat").hidden = emergency.indexOf(select.value) < 0 || !select.value;
    hint.textContent = hint.getAttribute(isLine() ? "data-line" : "data-point");
    clear();
  });
  document.getElementById("hapus-titik").addEventListener("click", clear);
  document.getElementById("lokasi-saya").addEventListener("click", function () {
    if (!navigator.geolocation) { return; }
    navigator.geolocation.getCurrentPosition(function (p) {
      var ll = L.latLng(p.coords.latitude, p.coords.longitude); map.setView(ll, 17); setPoint(ll);
    });
  });
  if (lat.value && lon.value) { setPoint(L.latLng(+lat.value, +lon.value)); } else { announce(); }
  window.KendaliReportMap = { map: map, setPoint: setPoint };
})();
