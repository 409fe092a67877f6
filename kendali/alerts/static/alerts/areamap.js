/* The area of one warning on a small Leaflet map (GeoJSON from data-geojson; no request). */
(function () {
  "use strict";
  var el = document.getElementById("alert-area-map");
  if (!el || !window.L) { return; }
  var map = L.map(el, { scrollWheelZoom: false }).setView([-6.12, 106.16], 12);
  if (window.Kendali && window.Kendali.baseLayer) { window.Kendali.baseLayer(map, el); }
  var data = JSON.parse(el.getAttribute("data-geojson") || "{}");
  var layer = L.geoJSON(data, {
    style: function (f) { return { color: f.properties.color || "#d7301f", weight: 2, fillOpacity: 0.3 }; }
  }).addTo(map);
  if (layer.getLayers().length) { map.fitBounds(layer.getBounds(), { padding: [10, 10] }); }
  el.setAttribute("data-features", layer.getLayers().length);
})();
