/* Incident pages: the small map on the detail page, and the point picker on the create form. */
(function () {
  "use strict";
  function ready(fn) { if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); } }
  ready(function () {
    var detail = document.getElementById("incident-map");
    if (detail && window.Kendali && window.Kendali.cityMap) {
      var lat = parseFloat(detail.getAttribute("data-lat"));
      var lon = parseFloat(detail.getAttribute("data-lon"));
      var city = window.Kendali.cityMap(detail);
      var marker = L.circleMarker([lat, lon], { radius: 9, color: "#c62828", weight: 3, fillOpacity: 0.6 })
        .bindTooltip(detail.getAttribute("data-label") || "").addTo(city.map);
      city.ready.then(function () { city.map.setView(marker.getLatLng(), 15); });
    }
    var picker = document.getElementById("pickmap");
    if (picker && window.Kendali && window.Kendali.cityMap) {
      var latInput = document.querySelector("input[name=lat]");
      var lonInput = document.querySelector("input[name=lon]");
      var pick = window.Kendali.cityMap(picker);
      var point = null;
      function place(latlng) {
        if (point) { point.setLatLng(latlng); } else { point = L.marker(latlng).addTo(pick.map); }
      }
      if (latInput.value && lonInput.value) { place([parseFloat(latInput.value), parseFloat(lonInput.value)]); }
      pick.map.on("click", function (e) {
        latInput.value = e.latlng.lat.toFixed(6);
        lonInput.value = e.latlng.lng.toFixed(6);
        place(e.latlng);
      });
    }
  });
})();
