/* One item's place on a small Leaflet map: its shape when it has one, else its point. */
(function () {
  "use strict";
  var el = document.getElementById("item-map");
  if (!el || !window.L) { return; }
  var map = L.map(el, { scrollWheelZoom: false }).setView([-6.12, 106.16], 13);
  var tiles = el.getAttribute("data-tiles");
  if (tiles) { L.tileLayer(tiles, { maxZoom: 19, attribution: el.getAttribute("data-attribution") || "" }).addTo(map); }
  var layer = L.geoJSON(JSON.parse(el.getAttribute("data-geojson") || "{}"), {
    style: function () { return { color: "#0b5cab", weight: 3, fillOpacity: 0.25 }; }
  }).addTo(map);
  if (layer.getLayers().length) { map.fitBounds(layer.getBounds(), { padding: [20, 20], maxZoom: 17 }); }
})();
