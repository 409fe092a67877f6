/* Kendali.cityMap(el): a Leaflet map of Kota Serang with kecamatan and kelurahan
   boundaries and names, from /api/v1/regions/, over the base map when one is configured.
   Kendali.baseLayer(map, el): the base map alone (streets from the local tile archive served
   at /peta/ubin/, or a tile server), or a visible note that there is none. */
(function () {
  "use strict";
  window.Kendali = window.Kendali || {};
  function baseConfig() {
    var node = document.getElementById("kendali-base-map");
    try { return node ? JSON.parse(node.textContent) : null; } catch (e) { return null; }
  }
  window.Kendali.baseLayer = function (map, el) {
    var cfg = baseConfig();
    var url = (el && el.getAttribute("data-tiles")) || (cfg && cfg.url) || "";
    if (url) {
      var opts = { maxZoom: 19, attribution: (el && el.getAttribute("data-attribution")) || (cfg && cfg.attribution) || "" };
      if (cfg && cfg.maxNativeZoom) { opts.maxNativeZoom = cfg.maxNativeZoom; }
      if (cfg && cfg.minZoom) { opts.minNativeZoom = cfg.minZoom; }
      if (cfg && cfg.bounds) { opts.bounds = cfg.bounds; }
      L.tileLayer(url, opts).addTo(map);
      return true;
    }
    var note = L.control({ position: "topright" });
    note.onAdd = function () {
      var div = L.DomUtil.create("div", "basemap-note");
      div.textContent = "Peta dasar belum dipasang: hanya batas wilayah (KENDALI_MAP_TILES_FILE)";
      return div;
    };
    note.addTo(map);
    return false;
  };
  window.Kendali.cityMap = function (el, options) {
    options = options || {};
    var map = L.map(el, { zoomControl: true, attributionControl: true, preferCanvas: true, zoomSnap: 0.25 }).setView([-6.12, 106.16], 12);
    var tiles = window.Kendali.baseLayer(map, el);
    // The map follows its box (a pop opening beside it, a wrapped header): never cropped.
    if (window.ResizeObserver) { new ResizeObserver(function () { map.invalidateSize(); }).observe(el); }
    map.attributionControl.addAttribution("Batas wilayah: Cahya DSN (MIT)");
    var kelurahanLayer = L.geoJSON(null, {
      style: { color: "#4a6785", weight: 1, fillColor: "#ffffff", fillOpacity: tiles ? 0.05 : 0.55 },
      onEachFeature: function (f, layer) {
        layer.bindPopup("<b>" + f.properties.nama + "</b><br>Kelurahan · " + f.properties.kode);
        layer.bindTooltip(f.properties.nama, { permanent: true, direction: "center", className: "region-label kelurahan" });
      }
    }).addTo(map);
    var kecamatanLayer = L.geoJSON(null, {
      style: { color: "#0b2239", weight: 3, fill: false }, interactive: false,
      onEachFeature: function (f) {
        // Label at the published centroid: the bounds' centre of a crescent-shaped
        // kecamatan can fall outside it.
        var c = f.properties.centroid;
        L.tooltip({ permanent: true, direction: "center", className: "region-label kecamatan", interactive: false })
          .setLatLng([c[1], c[0]]).setContent(f.properties.nama).addTo(map);
      }
    }).addTo(map);
    function labelsByZoom() {
      var show = map.getZoom() >= 12.5;
      kelurahanLayer.eachLayer(function (l) { var t = l.getTooltip(); if (t) { t.setOpacity(show ? 1 : 0); } });
    }
    map.on("zoomend", labelsByZoom);
    var ready = Promise.all([
      fetch("/api/v1/regions/?level=kelurahan", { credentials: "same-origin" }).then(function (r) { return r.json(); }),
      fetch("/api/v1/regions/?level=kecamatan", { credentials: "same-origin" }).then(function (r) { return r.json(); })
    ]).then(function (res) {
      kelurahanLayer.addData(res[0]);
      kecamatanLayer.addData(res[1]);
      map.invalidateSize();
      var cityBounds = kelurahanLayer.getBounds();
      map.fitBounds(cityBounds, { padding: [8, 8], animate: false });
      for (var i = 0; i < 8 && !map.getBounds().contains(cityBounds); i++) { map.setZoom(map.getZoom() - 0.25, { animate: false }); }
      labelsByZoom();
      el.setAttribute("data-kelurahan-count", res[0].features.length);
      return { kelurahan: res[0], kecamatan: res[1] };
    });
    return { map: map, kelurahan: kelurahanLayer, kecamatan: kecamatanLayer, ready: ready };
  };
})();
