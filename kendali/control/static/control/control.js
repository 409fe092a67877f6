/* Control room: the video wall and the operator dashboard draw what modules register
   (map layers, KPI tiles) and refetch a layer or tile, debounced, when an event with
   one of its topics arrives, so the screen shows what the database holds. */
(function () {
  "use strict";
  // kendali.js is deferred on shell pages: start once every script has run.
  function init() {
  var root = document.getElementById("control");
  if (!root || !window.Kendali || !window.Kendali.cityMap) { return; }
  var K = window.Kendali;
  var mode = root.getAttribute("data-mode");
  var isWall = mode === "wall";
  var API = "/api/v1/control/";
  var cm = K.cityMap(document.getElementById("control-map"));
  K.control = { map: cm.map };  // for the browser tests and the devtools console
  // Registered layers get their own pane above the boundaries, whichever loads first.
  cm.map.createPane("control-layers").style.zIndex = 450;
  var layers = {};
  var tiles = {};
  var filters = { kecamatan: "", type: "" };
  var follow = null;
  var DEBOUNCE_MS = 300;

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function later(holder, fn) { clearTimeout(holder.timer); holder.timer = setTimeout(fn, DEBOUNCE_MS); }
  function wants(topics, topic) {
    for (var i = 0; i < topics.length; i++) { if (topic.indexOf(topics[i]) === 0) { return true; } }
    return false;
  }
  var wibTime = new Intl.DateTimeFormat("id-ID", { timeZone: "Asia/Jakarta", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
  function hhmm(epochSeconds) {
    var d = epochSeconds ? new Date(epochSeconds * 1000) : new Date();
    return wibTime.format(d).replace(/\./g, ":");
  }

  /* ---- map layers ---- */
  function featureId(f) { return f.id != null ? f.id : (f.properties || {}).id; }
  function color(f, meta) { return (f.properties || {}).color || meta.style.color || "#1e88e5"; }
  /* Kecamatan filter by geometry: a point belongs to the kecamatan polygon it lies in,
     whatever properties the module chose to send. */
  var kecamatanShapes = {};
  function inRing(x, y, ring) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if ((yi > y) !== (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) { inside = !inside; }
    }
    return inside;
  }
  function inPolygon(x, y, rings) {
    if (!inRing(x, y, rings[0])) { return false; }
    for (var k = 1; k < rings.length; k++) { if (inRing(x, y, rings[k])) { return false; } }
    return true;
  }
  function inShape(x, y, g) {
    if (!g) { return false; }
    if (g.type === "Polygon") { return inPolygon(x, y, g.coordinates); }
    if (g.type === "MultiPolygon") { return g.coordinates.some(function (p) { return inPolygon(x, y, p); }); }
    return false;
  }
  function inKecamatan(f, kode) {
    var g = f.geometry, p = f.properties || {};
    if (g && g.type === "Point") { return inShape(g.coordinates[0], g.coordinates[1], kecamatanShapes[kode] && kecamatanShapes[kode].geometry); }
    if (p.kecamatan != null) { return String(p.kecamatan) === kode || String(p.kecamatan) === (kecamatanShapes[kode] || {}).nama; }
    return true;
  }
  function matches(f) {
    var p = f.properties || {};
    if (filters.kecamatan && !inKecamatan(f, filters.kecamatan)) { return false; }
    if (filters.type && p.type != null && String(p.type) !== filters.type) { return false; }
    return true;
  }
  function popupHtml(f, meta) {
    var p = f.properties || {};
    var html = "<div class='popup'><b>" + esc(p.label || meta.label) + "</b>";
    if (p.popup) { html += "<div>" + esc(p.popup) + "</div>"; }
    if (typeof p.url === "string" && p.url.charAt(0) === "/" && p.url.charAt(1) !== "/") {
      html += "<a class='popup-open' href='" + esc(p.url) + "'>Buka ›</a> ";
    }
    var id = featureId(f);
    if (!isWall && id != null && f.geometry && f.geometry.type === "Point") {
      html += "<button type='button' class='popup-follow' data-follow-layer='" + esc(meta.key) + "' data-follow-id='" + esc(id) + "'>Ikuti</button>";
    }
    return html + "</div>";
  }
  /* One shape per layer, so incidents, units, sensors and hotspots are told apart at a
     glance (and without colour); the legend draws the very same shape and colours. */
  var SHAPES = ["diamond", "square", "triangle", "circle", "hexagon", "star"];
  var KNOWN_SHAPES = { incidents: "diamond", units: "square", sensor_devices: "triangle", sensors: "triangle", sensor_alarms: "star", alarms: "star", hotspots: "circle", wifi_hotspots: "circle" };
  var shapeByLayer = {};
  function shapeOf(meta) {
    if (meta.style && meta.style.shape) { return meta.style.shape; }
    if (!shapeByLayer[meta.key]) {
      var used = Object.keys(shapeByLayer).map(function (k) { return shapeByLayer[k]; });
      shapeByLayer[meta.key] = KNOWN_SHAPES[meta.key] || SHAPES.filter(function (x) { return used.indexOf(x) < 0; })[0] || "circle";
    }
    return shapeByLayer[meta.key];
  }
  function shapeSvg(shape, fill) {
    var paths = {
      diamond: "<path d='M12 1 23 12 12 23 1 12Z'/>",
      square: "<rect x='3' y='3' width='18' height='18' rx='2'/>",
      triangle: "<path d='M12 2 23 21H1Z'/>",
      circle: "<circle cx='12' cy='12' r='10'/>",
      hexagon: "<path d='M6 2h12l6 10-6 10H6L0 12Z'/>",
      star: "<path d='M12 1l3.2 7 7.6.8-5.7 5.1 1.6 7.5L12 17.6 5.3 21.4l1.6-7.5L1.2 8.8l7.6-.8Z'/>"
    };
    return "<svg viewBox='0 0 24 24' aria-hidden='true'><g fill='" + esc(fill) + "' stroke='#ffffff' stroke-width='2.2' stroke-linejoin='round'>" + (paths[shape] || paths.circle) + "</g></svg>";
  }
  function makeGroup(meta) {
    var size = meta.style.radius ? meta.style.radius * 2 : (isWall ? 30 : 20);
    return L.geoJSON(null, {
      pane: "control-layers",
      pointToLayer: function (f, latlng) {
        // The marker's accessible name (and hover title): what it is, then which one.
        var p = f.properties || {};
        var name = meta.label + (p.label && p.label !== meta.label ? ": " + p.label : "");
        var marker = L.marker(latlng, {
          pane: "control-layers",
          title: name,
          icon: L.divIcon({ className: "marker-shape", html: shapeSvg(shapeOf(meta), color(f, meta)), iconSize: [size, size], iconAnchor: [size / 2, size / 2] })
        });
        marker.on("add", function () { if (marker._icon) { marker._icon.setAttribute("aria-label", name); } });
        return marker;
      },
      style: function (f) {
        return { pane: "control-layers", color: color(f, meta), weight: meta.style.weight || 2, fillOpacity: meta.style.fillOpacity != null ? meta.style.fillOpacity : 0.25 };
      },
      onEachFeature: function (f, l) {
        var p = f.properties || {};
        if (p.label) { l.bindTooltip(esc(p.label), { direction: "top", permanent: isWall && !!meta.style.labels }); }
        l.bindPopup(popupHtml(f, meta));
      }
    });
  }
  /* The legend row of a layer: its shape in each colour its features use, with what the
     colour means (priority, level, status), and the layer's own count. */
  function legendRow(entry, features) {
    var meta = entry.meta;
    var points = features.some(function (f) { return f.geometry && f.geometry.type === "Point"; });
    var shape = points ? shapeOf(meta) : "square";
    var shades = {};
    features.forEach(function (f) {
      var p = f.properties || {};
      if (p.color) { shades[p.color] = p.color_label || p.priority || p.level_label || p.status_label || p.severity_label || shades[p.color] || ""; }
    });
    var colors = Object.keys(shades);
    // Several colours: the layer's swatch is the shape's outline, its colours follow below.
    var main = colors.length === 1 ? colors[0] : (colors.length ? "none" : (meta.style.color || "#1e88e5"));
    entry.swatch.innerHTML = shapeSvg(shape, main);
    entry.shades.innerHTML = colors.length > 1 ? colors.sort(function (a, b) { return String(shades[a]).localeCompare(String(shades[b])); }).map(function (c) {
      return "<span><span class='swatch'>" + shapeSvg(shape, c) + "</span>" + esc(shades[c]) + "</span>";
    }).join("") : "";
  }
  function renderLayer(entry) {
    entry.group.clearLayers();
    var features = (entry.data.features || []).filter(matches);
    entry.group.addData({ type: "FeatureCollection", features: features });
    // Unfiltered, the count is the module's own figure (the same selector as its tile: open
    // incidents without a point are counted, warnings not their polygons); filtered, what shows.
    var filtered = !!(filters.kecamatan || filters.type);
    entry.count.textContent = !filtered && entry.data.count != null ? entry.data.count : features.length;
    entry.unplaced.textContent = !filtered && entry.data.unplaced ? "(" + entry.data.unplaced + " tanpa lokasi)" : "";
    legendRow(entry, features);
    root.setAttribute("data-layer-" + entry.meta.key, features.length);
    if (follow && follow.layer === entry.meta.key) { centerOnFollowed(entry); }
  }
  function fetchLayer(entry) {
    return K.fetchJSON(API + "layers/" + encodeURIComponent(entry.meta.key)).then(function (data) {
      entry.data = data;
      renderLayer(entry);
      fillFilterOptions();
    }).catch(function (err) { console.error("layer", entry.meta.key, err); });
  }
  function loadLayers() {
    return K.fetchJSON(API + "layers").then(function (list) {
      var legend = document.getElementById("control-legend");
      Object.keys(layers).forEach(function (k) { cm.map.removeLayer(layers[k].group); });
      layers = {};
      legend.innerHTML = "";
      list.forEach(function (meta) {
        // The wall has no switches: it draws the layers that are on by default (a register
        // of thousands of assets is for the dashboard, switched on when wanted).
        if (isWall && !meta.default_on) { return; }
        var entry = { meta: meta, group: makeGroup(meta), data: { features: [] }, timer: null };
        var li = document.createElement("li");
        var swatch = "<span class='swatch'></span>";
        var tail = " <b class='count'>0</b> <span class='unplaced'></span><span class='shades'></span>";
        if (isWall) {
          li.innerHTML = swatch + esc(meta.label) + tail;
        } else {
          li.innerHTML = "<label><input type='checkbox' data-layer='" + esc(meta.key) + "'" + (meta.default_on ? " checked" : "") + "> " + swatch + esc(meta.label) + "</label>" + tail;
        }
        entry.count = li.querySelector(".count");
        entry.swatch = li.querySelector(".swatch");
        entry.shades = li.querySelector(".shades");
        entry.unplaced = li.querySelector(".unplaced");
        legend.appendChild(li);
        if (meta.default_on) { entry.group.addTo(cm.map); }
        layers[meta.key] = entry;
      });
      if (!list.length) { legend.innerHTML = "<li class='muted'>Batas kecamatan dan kelurahan</li>"; }
      return Promise.all(Object.keys(layers).map(function (k) { return fetchLayer(layers[k]); }));
    });
  }

  /* ---- follow a unit (dashboard) ---- */
  function centerOnFollowed(entry) {
    var found = null;
    entry.group.eachLayer(function (l) {
      if (l.feature && String(featureId(l.feature)) === follow.id) { found = l; }
    });
    var status = document.getElementById("follow-status");
    if (found && found.getLatLng) {
      var at = found.getLatLng();
      cm.map.panTo(at);
      root.setAttribute("data-follow-at", at.lat.toFixed(5) + "," + at.lng.toFixed(5));
      status.textContent = "Mengikuti: " + ((found.feature.properties || {}).label || follow.id) + " ✕";
    } else {
      status.textContent = "Tidak terlihat: " + follow.id + " ✕";
    }
  }
  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("[data-follow-id]");
    if (btn) {
      follow = { layer: btn.getAttribute("data-follow-layer"), id: btn.getAttribute("data-follow-id") };
      var st = document.getElementById("follow-status");
      st.hidden = false;
      cm.map.closePopup();
      if (layers[follow.layer]) { centerOnFollowed(layers[follow.layer]); }
      return;
    }
    if (e.target.id === "follow-status") { follow = null; e.target.hidden = true; }
  });

  /* ---- filters (dashboard) ---- */
  function fillKecamatanOptions(collection) {
    var select = document.getElementById("filter-kecamatan");
    (collection.features || []).forEach(function (f) {
      kecamatanShapes[f.properties.kode] = { geometry: f.geometry, nama: f.properties.nama };
      regionNames[f.properties.kode] = f.properties.nama;
    });
    if (!select) { return; }
    select.innerHTML = select.options[0].outerHTML + (collection.features || []).map(function (f) {
      return "<option value='" + esc(f.properties.kode) + "'>" + esc(f.properties.nama) + "</option>";
    }).join("");
  }
  function fillFilterOptions() {
    [["type", "filter-type"]].forEach(function (pair) {
      var select = document.getElementById(pair[1]);
      if (!select) { return; }
      var values = {};
      Object.keys(layers).forEach(function (k) {
        (layers[k].data.features || []).forEach(function (f) {
          var p = f.properties || {};
          if (p[pair[0]] != null && p[pair[0]] !== "") {
            values[String(p[pair[0]])] = p[pair[0] + "_label"] || String(p[pair[0]]);
          }
        });
      });
      var current = select.value;
      var keep = select.options[0].outerHTML;
      select.innerHTML = keep + Object.keys(values).sort().map(function (v) {
        return "<option value='" + esc(v) + "'" + (v === current ? " selected" : "") + ">" + esc(values[v]) + "</option>";
      }).join("");
    });
  }
  document.addEventListener("change", function (e) {
    if (e.target.id === "filter-kecamatan" || e.target.id === "filter-type") {
      filters.kecamatan = (document.getElementById("filter-kecamatan") || {}).value || "";
      filters.type = (document.getElementById("filter-type") || {}).value || "";
      Object.keys(layers).forEach(function (k) { renderLayer(layers[k]); });
    } else if (e.target.matches && e.target.matches("input[data-layer]")) {
      var entry = layers[e.target.getAttribute("data-layer")];
      if (entry) { if (e.target.checked) { entry.group.addTo(cm.map); } else { cm.map.removeLayer(entry.group); } }
    }
  });

  /* ---- KPI tiles ---- */
  function fetchTile(entry) {
    return K.fetchJSON(API + "tiles/" + encodeURIComponent(entry.meta.key)).then(function (t) {
      entry.el.className = "tile level-" + esc(t.level || "ok");
      entry.el.innerHTML = "<div class='tile-label'>" + esc(t.label) + "</div><div class='tile-value'>" + esc(t.value == null ? "–" : t.value) +
        (t.unit ? " <small>" + esc(t.unit) + "</small>" : "") + "</div><div class='tile-detail'>" + esc(t.detail) + "</div>";
    }).catch(function (err) { entry.el.className = "tile level-unknown"; console.error("tile", entry.meta.key, err); });
  }
  function loadTiles() {
    return K.fetchJSON(API + "tiles").then(function (list) {
      var box = document.getElementById("control-tiles");
      box.innerHTML = "";
      tiles = {};
      list.forEach(function (meta) {
        var el = document.createElement("div");
        el.className = "tile";
        el.id = "tile-" + meta.key;
        el.innerHTML = "<div class='tile-label'>" + esc(meta.label) + "</div><div class='tile-value'>…</div>";
        box.appendChild(el);
        tiles[meta.key] = { meta: meta, el: el, timer: null };
      });
      return Promise.all(Object.keys(tiles).map(function (k) { return fetchTile(tiles[k]); }));
    });
  }

  /* ---- wall messages ---- */
  function loadMessages() {
    return K.fetchJSON(API + "messages").then(function (list) {
      var box = document.getElementById("wall-messages");
      box.innerHTML = list.map(function (m) {
        return "<span class='wall-message level-" + esc(m.level) + "'>" + esc(m.text) + "</span>";
      }).join("");
    }).catch(function () {});
  }
  var form = document.getElementById("message-form");
  if (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var err = document.getElementById("message-error");
      err.textContent = "";
      K.fetchJSON(API + "messages", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ text: form.text.value, level: form.level.value, minutes: parseInt(form.minutes.value, 10) || 60 })
      }).then(function () { form.text.value = ""; }).catch(function (x) { err.textContent = x.message; });
    });
  }

  /* ---- ticker: recent events as readable lines ---- */
  var APPS = { incidents: "Kejadian", calls: "Panggilan 112", dispatch: "Pengerahan", sensors: "Sensor", alerts: "Peringatan", wifi: "Wi-Fi", control: "Ruang kendali", kendali: "Sistem" };
  // What an event is about, in words (never the code: "assignment" → "penugasan"); an
  // unknown one is left out rather than shown raw.
  var THINGS = { assignment: "penugasan", unit: "unit", incident: "kejadian", call: "panggilan", alarm: "alarm", reading: "pembacaan", device: "perangkat", hotspot: "hotspot", ap: "titik akses", park: "taman", alert: "peringatan", sla: "SLA", breach: "pelanggaran SLA", message: "pesan", session: "sesi", report: "laporan", fieldreport: "laporan lapangan", referral: "rujukan", position: "posisi", rule: "aturan" };
  var VERBS = { created: "baru", updated: "diperbarui", merged: "digabung", closed: "ditutup", offered: "masuk", answered: "dijawab", classified: "diklasifikasi", ended: "berakhir", assigned: "ditugaskan", dispatched: "diberangkatkan", arrived: "tiba di lokasi", status: "berubah status", moved: "bergerak", raised: "muncul", cleared: "pulih", acknowledged: "diterima", published: "diterbitkan", posted: "dipasang", cancelled: "dibatalkan", breached: "terlampaui" };
  /* Names, never codes, for people: a kelurahan/kecamatan code in an event is shown with
     the name the map already loaded ("36.73.06.1001" → "Kasemen"). */
  var regionNames = {};
  var REGION_CODE = /^\d{2}\.\d{2}(\.\d{2}(\.\d{4})?)?$/;
  function regionName(v) {
    if (v == null || v === "") { return ""; }
    v = String(v);
    return REGION_CODE.test(v) ? (regionNames[v] || "") : v;
  }
  function place(d) {
    var where = d.kelurahan_name || d.kelurahan_label || regionName(d.kelurahan) ||
      regionName(d.kelurahan_kode) || d.kecamatan_name || regionName(d.kecamatan) ||
      regionName(d.kecamatan_kode) || d.address || "";
    return where ? " — " + where : "";
  }
  function describe(msg) {
    var d = msg.data || {};
    var parts = msg.topic.split(".");
    if (msg.topic === "control.message.posted") { return "Pesan ruang kendali: " + d.text; }
    // A module that writes its own line for people (e.g. sensor alarms) is shown as is.
    if (d.summary) { return String(d.summary); }
    if (msg.topic === "incidents.incident.created") {
      return "Kejadian baru " + (d.number || "") + ": " + (d.type_label || d.type || "") + (d.priority ? " (" + d.priority + ")" : "") + place(d);
    }
    if (msg.topic === "incidents.incident.updated") {
      return "Kejadian " + (d.number || "") + " diperbarui" + (d.status ? ": " + d.status : "") + place(d);
    }
    var subject = APPS[parts[0]] || parts[0];
    var verb = VERBS[parts[parts.length - 1]] || "diperbarui";  // never the raw code
    var label = d.device_name || d.label || d.name || d.number || d.callsign || d.number_masked || d.code || "";
    var state = d.level_label || d.outcome_label || d.status_label || "";
    var thing = parts.length > 2 ? THINGS[parts[1]] : "";
    return subject + (thing ? " · " + thing : "") + (label ? " " + label : "") + " " + verb +
      (state ? " (" + state + ")" : "") + place(d);
  }
  // One change, one line: the same line again within a minute (a unit's position batch, an
  // update echoed by two modules) is not repeated.
  var recentLines = {};
  function addTicker(msg) {
    // Housekeeping a module marks quiet (figures recomputed) refreshes tiles, not the ticker.
    if ((msg.data || {}).quiet) { return; }
    var list = document.getElementById("control-ticker");
    var line = describe(msg);
    var nowMs = Date.now();
    if (recentLines[line] && nowMs - recentLines[line] < 60000) { return; }
    recentLines[line] = nowMs;
    if (/ bergerak/.test(line)) { return; }  // positions move the map, not the ticker
    var li = document.createElement("li");
    var prio = (msg.data || {}).priority;
    if (prio) { li.className = "prio-" + String(prio).replace(/[^A-Za-z0-9]/g, ""); }
    li.setAttribute("data-topic", msg.topic);
    li.innerHTML = "<time>" + esc(hhmm(msg.at)) + "</time> " + esc(line);
    list.insertBefore(li, list.firstChild);
    while (list.children.length > (isWall ? 12 : 30)) { list.removeChild(list.lastChild); }
  }

  /* ---- the ticker starts with what just happened ---- */
  function loadRecent() {
    var list = document.getElementById("control-ticker");
    if (!list || list.children.length) { return Promise.resolve(); }
    return K.fetchJSON(API + "recent").then(function (events) {
      if (list.children.length) { return; }
      events.forEach(addTicker);
    }).catch(function () {});
  }

  /* ---- live ---- */
  // The page is busy (aria-busy) until the map has fitted the city and the first layers,
  // tiles, messages and ticker lines are in: assistive technology, and the browser tests
  // that look at it, wait for that instead of for a guessed time.
  function loadAll() {
    root.setAttribute("aria-busy", "true");
    var done = function () { root.removeAttribute("aria-busy"); };
    Promise.all([cm.ready.catch(function () {}), loadLayers(), loadTiles(), loadMessages(), loadRecent()]).then(done, done);
  }
  K.live.on("", function (msg) {
    if (msg.topic === "kendali.reset") { loadAll(); return; }
    // core.* are personal notifications and housekeeping, not city events.
    if (msg.topic.indexOf("core.") !== 0) { addTicker(msg); }
    Object.keys(layers).forEach(function (k) {
      var entry = layers[k];
      if (wants(entry.meta.topics, msg.topic)) { later(entry, function () { fetchLayer(entry); }); }
    });
    Object.keys(tiles).forEach(function (k) {
      var entry = tiles[k];
      if (wants(entry.meta.topics, msg.topic)) { later(entry, function () { fetchTile(entry); }); }
    });
    if (msg.topic.indexOf("control.message.") === 0) { loadMessages(); }
  });
  // Each time the stream (re)connects, refetch everything once: whatever changed while
  // the page was not live is then on screen even if its events were already purged.
  var refetch = { timer: null };
  var wasLive = false;
  // A named screen (/ruang-kendali/dinding/?layar=<kode>) reports once a minute that its
  // page is up with the stream connected, so the BMD register shows the screen online.
  var screen = isWall ? new URLSearchParams(window.location.search).get("layar") : null;
  function reportSeen() {
    if (!screen || document.documentElement.getAttribute("data-live") !== "live") { return; }
    K.fetchJSON(API + "displays/" + encodeURIComponent(screen) + "/seen", { method: "POST" }).catch(function () {});
  }
  new MutationObserver(function () {
    var live = document.documentElement.getAttribute("data-live") === "live";
    if (live && !wasLive) { later(refetch, loadAll); reportSeen(); }
    wasLive = live;
  }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-live"] });
  K.live.start();
  cm.ready.then(function (regions) {
    (regions.kelurahan.features || []).forEach(function (f) { regionNames[f.properties.kode] = f.properties.nama; });
    fillKecamatanOptions(regions.kecamatan);
    if (!wasLive) { loadAll(); }
  }, function () { if (!wasLive) { loadAll(); } });
  // Safety net for values that change with time alone (expiry, jobs alive).
  setInterval(function () { Object.keys(tiles).forEach(function (k) { fetchTile(tiles[k]); }); loadMessages(); reportSeen(); }, 60000);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
