/* Draft form map: the city's kelurahan; a click sets the circle centre, the chosen
   kelurahan and the circle are drawn as the operator edits. */
(function () {
  "use strict";
  var el = document.getElementById("alert-form-map");
  if (!el || !window.Kendali || !window.Kendali.cityMap) { return; }
  var city = window.Kendali.cityMap(el);
  var lat = document.getElementById("id_circle_lat");
  var lon = document.getElementById("id_circle_lon");
  var radius = document.getElementById("id_circle_radius_km");
  var kel = document.getElementById("id_kelurahan");
  var circle = null;
  function drawCircle() {
    if (circle) { city.map.removeLayer(circle); circle = null; }
    var la = parseFloat(lat.value), lo = parseFloat(lon.value), r = parseFloat(radius.value);
    if (!isNaN(la) && !isNaN(lo) && r > 0) {
      circle = L.circle([la, lo], { radius: r * 1000, color: "#d7301f" }).addTo(city.map);
    }
  }
  function markChosen() {
    var chosen = {};
    Array.prototype.forEach.call(kel.selectedOptions, function (o) { chosen[o.value] = true; });
    city.kelurahan.eachLayer(function (l) {
      var on = chosen[l.feature.properties.kode];
      l.setStyle({ fillColor: on ? "#d7301f" : "#ffffff", fillOpacity: on ? 0.45 : 0.2 });
    });
  }
  city.map.on("click", function (e) {
    lat.value = e.latlng.lat.toFixed(5);
    lon.value = e.latlng.lng.toFixed(5);
    if (!(parseFloat(radius.value) > 0)) { radius.value = "1"; }
    drawCircle();
  });
  [lat, lon, radius].forEach(function (input) { input.addEventListener("input", drawCircle); });
  kel.addEventListener("change", markChosen);
  city.ready.then(function () {
    // A kelurahan popup would swallow the click (Leaflet stops the event to open it);
    // on this map a click means "centre of the circle".
    city.kelurahan.eachLayer(function (l) { l.unbindPopup(); });
    markChosen();
    drawCircle();
  });
})();
