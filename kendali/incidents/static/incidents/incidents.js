/* Incident pages: the small map on the detail page, and the point picker on the create form. */
(function () {
  "use strict";
  function ready(fn) { if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); } }
  function debounce(fn, ms) {
    var timer = null;
    return function () { clearTimeout(timer); timer = setTimeout(fn, ms); };
  }
  ready(function () {
    var rows = document.getElementById("incident-rows");
    if (rows && window.Kendali && window.Kendali.live && window.htmx) {
      // The list follows the live stream: any incident event re-fetches the rows with the
      // filters in the address bar (htmx answers with the rows fragment only).
      var refresh = debounce(function () {
        window.htmx.ajax("GET", window.location.pathname + window.location.search,
          { target: "#incident-rows", swap: "innerHTML" });
      }, 300);
      window.Kendali.live.on("incidents.", refresh);
      window.Kendali.live.on("kendali.reset", refresh);
      window.Kendali.live.start("incidents.");
    }
    var detail = document.getElementById("incident-map");
    if (detail && window.Kendali && window.Kendali.cityMap) {
      var lat = parseFloat(detail.getAttribute("data-lat"));
      var lon = parseFloat(detail.getAttribute("data-lon"));
      var city = window.Kendali.cityMap(detail);
      // The incident stands out over streets and boundaries: a large red pin with a white
      // ring and its number beside it, always shown.
      var halo = L.circleMarker([lat, lon], { radius: 22, color: "#b71c1c", weight: 2, opacity: 0.9, fillColor: "#e53935", fillOpacity: 0.18, interactive: false }).addTo(city.map);
      var marker = L.circleMarker([lat, lon], { radius: 11, color: "#ffffff", weight: 4, fillColor: "#c62828", fillOpacity: 1 })
        .bindTooltip(detail.getAttribute("data-label") || "", { permanent: true, direction: "right", offset: [14, 0], className: "incident-pin-label" }).addTo(city.map);
      halo.bringToBack();
      city.ready.then(function () {
        city.map.setView(marker.getLatLng(), 15);
        detail.setAttribute("data-marker", "shown");
      });
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
      function picked(e) {
        latInput.value = e.latlng.lat.toFixed(6);
        lonInput.value = e.latlng.lng.toFixed(6);
        place(e.latlng);
      }
      // Outside the kelurahan polygons the map gets the click; on them the polygon's popup
      // swallows it, so listen there too and keep the picker free of popups.
      pick.map.on("click", picked);
      pick.kelurahan.on("click", function (e) { picked(e); setTimeout(function () { pick.map.closePopup(); }, 0); });
    }
  });
})();
