/* Konsol 112: live queue, screen-pop, one-key noise classification, the emergency path.
   Keyboard first. No inline script (CSP): configuration comes from #console-config. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("console-config").textContent);
  var api = Kendali.fetchJSON;
  var queue = {};
  var current = null;        // the call shown in the pop
  var selectedRow = 0;
  var chosenType = null;
  var point = null;          // {lat, lon}
  var marker = null;
  var nearby = [];
  var kelurahan = {};        // name -> LatLng
  var $ = function (id) { return document.getElementById(id); };
  var wib = new Intl.DateTimeFormat("id-ID", { timeZone: "Asia/Jakarta", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
  // Date and time, for anything that may lie on another day (a block's end).
  var wibDay = new Intl.DateTimeFormat("id-ID", { timeZone: "Asia/Jakarta", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hour12: false });

  function text(el, value) { el.textContent = value == null ? "" : String(value); return el; }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }
  function since(iso) {
    var s = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
    // m:ss keeps the column narrow; past an hour, hours and minutes.
    if (s >= 3600) { return Math.floor(s / 3600) + " j " + Math.floor((s % 3600) / 60) + " mnt"; }
    return s < 60 ? s + " dtk" : Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }
  function stateLabel(c) {
    if (c.outcome_label) { return c.outcome_label; }
    return { ringing: "Berdering", answered: "Dijawab", ended: "Selesai" }[c.state] || c.state;
  }

  /* ------------------------------------------------------------ queue */
  function renderQueue() {
    var body = $("queue").tBodies[0];
    body.textContent = "";
    var rows = Object.keys(queue).map(function (k) { return queue[k]; })
      .filter(function (c) { return c.state !== "ended" || !c.outcome; })
      .sort(function (a, b) { return a.offered_at < b.offered_at ? -1 : 1; });
    rows.forEach(function (c, i) {
      var tr = el("tr", { "data-id": c.id, "class": [c.state, c.extension === cfg.extension ? "mine" : "", c.caller_blocked ? "blocked" : "", i === selectedRow ? "sel" : ""].join(" ") }, [
        el("td", {}, [String(c.id)]), el("td", {}, [c.number || c.number_masked || "—"]),
        el("td", {}, [stateLabel(c)]), el("td", {}, [c.call_taker || (c.extension ? "ekst. " + c.extension : "—")]),
        el("td", { "data-since": c.offered_at }, [since(c.offered_at)])
      ]);
      tr.addEventListener("click", function () { openCall(c.id); });
      body.appendChild(tr);
    });
    $("queue").setAttribute("data-count", rows.length);
  }
  setInterval(function () {
    document.querySelectorAll("#queue [data-since]").forEach(function (td) { td.textContent = since(td.getAttribute("data-since")); });
  }, 1000);

  function loadQueue() {
    return api("/api/v1/calls/queue").then(function (list) {
      queue = {};
      list.forEach(function (c) { queue[c.id] = c; });
      renderQueue();
    });
  }
  function loadShift() {
    api("/api/v1/calls/shift").then(function (s) {
      var box = $("shift"); box.textContent = "";
      box.appendChild(el("span", {}, [el("b", {}, [String(s.total)]), " panggilan sejak " + wib.format(new Date(s.since)).slice(0, 5)]));
      Object.keys(s.by_outcome).forEach(function (k) {
        box.appendChild(el("span", { "class": "badge" }, [(cfg.outcomes[k] || "belum") + ": " + s.by_outcome[k]]));
      });
    }).catch(function () {});
  }

  /* ------------------------------------------------------------ screen-pop */
  function showPop(c) {
    // The same call popping again (a manual call's pop arrives over the stream after the
    // POST answered; a reconnect replays it) refreshes the caller's history only: it never
    // wipes what the call-taker already did — the saved outcome, the end, an open incident form.
    var same = !!current && current.id === c.id;
    if (same) {
      c = Object.assign({}, c, {
        state: current.state, ended_at: current.ended_at,
        outcome: current.outcome || c.outcome, number: c.number || current.number
      });
    }
    current = c;
    $("pop").hidden = false;
    $("pop").setAttribute("data-call", c.id);
    text($("pop-number"), c.number || c.number_masked || "(disembunyikan)");
    // Only the parts this call has: a manual call has no trunk.
    text($("pop-meta"), ["#" + c.id, c.trunk, c.source === "manual" ? "manual" : "",
      c.offered_at ? "masuk " + wib.format(new Date(c.offered_at)) : ""].filter(Boolean).join(" · "));
    var banner = $("pop-blocked");
    var caller = c.caller;
    if ((caller && caller.blocked) || c.caller_blocked) {
      banner.hidden = false;
      text(banner, "⛔ NOMOR DIBLOKIR" + (caller && caller.permanent_block_requested ? " (blokir permanen diajukan)" : caller && caller.blocked_until ? " sampai " + wibDay.format(new Date(caller.blocked_until)) + " WIB" : "") +
        " — tetap jawab; bila darurat, tangani seperti biasa. " + (caller ? caller.block_reason : ""));
    } else { banner.hidden = true; }
    var hist = $("pop-history"); hist.textContent = "";
    if (caller) {
      var t = el("table", { "class": "counts" }, [el("tr", {}, [el("th", {}, [""]), el("th", {}, ["24 jam"]), el("th", {}, ["30 hari"]), el("th", {}, ["semua"])])]);
      ["iseng", "ghost", "salah_sambung", "darurat", "informasi", "total"].forEach(function (k) {
        t.appendChild(el("tr", {}, [el("td", {}, [cfg.outcomes[k] || "Total"]),
          el("td", {}, [String(caller.counts["24h"][k] || 0)]), el("td", {}, [String(caller.counts["30d"][k] || 0)]), el("td", {}, [String(caller.counts.all[k] || 0)])]));
      });
      hist.appendChild(t);
    } else {
      hist.appendChild(el("p", { "class": "muted" }, ["Nomor disembunyikan atau belum pernah menelepon."]));
    }
    showEndState();
    if (same) { return; }
    text($("classify-state"), c.outcome ? "Hasil: " + (cfg.outcomes[c.outcome] || c.outcome) : "");
    $("classify-state").className = "state";
    document.querySelectorAll("#classify button[data-outcome]").forEach(function (b) { b.classList.toggle("armed", b.getAttribute("data-outcome") === c.outcome); });
    closeIncident();
    $("callback").value = c.number || "";
  }

  function openCall(id) {
    api("/api/v1/calls/" + id).then(showPop).catch(function (e) { text($("classify-state"), e.message); });
  }

  function showEndState() {
    var ended = !!current && current.state === "ended";
    $("btn-end").disabled = !current || ended;
    text($("pop-state"), ended ? "Selesai" + (current.ended_at ? " " + wib.format(new Date(current.ended_at)) : "") : "");
  }

  function endCall() {
    if (!current) { return; }
    var status = $("classify-state");
    text(status, "Mengakhiri…"); status.className = "state";
    api("/api/v1/calls/" + current.id + "/end", { method: "POST" })
      .then(function (c) {
        current.state = c.state; current.ended_at = c.ended_at;
        queue[c.id] = Object.assign(queue[c.id] || {}, c, { number: (queue[c.id] || {}).number || c.number });
        text(status, "✓ Panggilan diakhiri" + (c.outcome_label ? " — " + c.outcome_label : "")); status.className = "state ok";
        showEndState(); renderQueue(); loadShift();
      })
      .catch(function (e) { text(status, "✕ " + e.message); status.className = "state err"; });
  }

  function classify(outcome) {
    if (!current) { return; }
    var status = $("classify-state");
    text(status, "Menyimpan…"); status.className = "state";
    api("/api/v1/calls/" + current.id + "/classify", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ outcome: outcome }) })
      .then(function (c) {
        current.outcome = c.outcome; current.state = c.state; current.ended_at = c.ended_at;
        queue[c.id] = Object.assign(queue[c.id] || {}, c, { number: (queue[c.id] || {}).number || c.number });
        text(status, "✓ " + c.outcome_label + " — tersimpan" + (c.state === "ended" && c.source === "manual" ? ", panggilan diakhiri" : "") + " (tekan huruf lain untuk mengubah)"); status.className = "state ok";
        showEndState();
        document.querySelectorAll("#classify button[data-outcome]").forEach(function (b) { b.classList.toggle("armed", b.getAttribute("data-outcome") === outcome); });
        renderQueue(); loadShift();
      })
      .catch(function (e) { text(status, "✕ " + e.message); status.className = "state err"; });
  }

  /* ------------------------------------------------------------ emergency path */
  function openIncident() {
    if (!current) { return; }
    $("incident-form").hidden = false;
    $("type-search").focus();
  }
  function closeIncident() {
    $("incident-form").hidden = true;
    chosenType = null; point = null; nearby = [];
    ["type-search", "kel-search", "address", "coords", "description"].forEach(function (id) { $(id).value = ""; });
    text($("locate-result"), ""); text($("incident-state"), ""); $("nearby").textContent = ""; $("type-hits").textContent = "";
    if (marker) { marker.remove(); marker = null; }
  }
  function pickType(t) {
    chosenType = t;
    $("type-search").value = t.name;
    $("priority").value = t.priority;
    $("type-hits").textContent = "";
    $("type-search").setAttribute("data-code", t.code);
    refreshNearby();
  }
  function typeHits(q) {
    q = q.trim().toLowerCase();
    if (!q) { return []; }
    var exact = cfg.types.filter(function (t) { return t.shortcut && t.shortcut.toLowerCase() === q; });
    if (exact.length) { return exact; }
    return cfg.types.filter(function (t) { return t.name.toLowerCase().indexOf(q) >= 0 || t.code.indexOf(q) >= 0; });
  }
  $("type-search").addEventListener("input", function () {
    var hits = typeHits(this.value);
    var box = $("type-hits"); box.textContent = "";
    if (hits.length === 1 && this.value.length === 1) { pickType(hits[0]); $("kel-search").focus(); return; }
    var match = cfg.types.filter(function (t) { return t.name === $("type-search").value; })[0];
    if (match) { pickType(match); return; }
    chosenType = null;
    hits.slice(0, 6).forEach(function (t, i) {
      var b = el("button", { type: "button", "class": i === 0 ? "sel" : "" }, [(t.shortcut ? "[" + t.shortcut + "] " : "") + t.name + " · " + t.priority]);
      b.addEventListener("click", function () { pickType(t); $("kel-search").focus(); });
      box.appendChild(b);
    });
  });
  $("type-search").addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.ctrlKey) {
      e.preventDefault();
      var hits = typeHits(this.value);
      if (hits.length) { pickType(hits[0]); $("kel-search").focus(); }
    }
  });
  var typeList = $("type-list");
  cfg.types.forEach(function (t) { typeList.appendChild(el("option", { value: t.name }, [])); });

  function setPoint(lat, lon, moveMap) {
    point = { lat: lat, lon: lon };
    $("coords").value = lat.toFixed(6) + ", " + lon.toFixed(6);
    if (cityMap) {
      if (marker) { marker.setLatLng([lat, lon]); } else { marker = L.marker([lat, lon]).addTo(cityMap.map); }
      if (moveMap) { cityMap.map.setView([lat, lon], 15); }
    }
    fetch("/api/v1/regions/locate?lat=" + lat + "&lon=" + lon, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (loc) {
      if (loc.status === 422) { text($("locate-result"), "✕ " + loc.detail); point = null; return; }
      text($("locate-result"), loc.inside ? "Kel. " + loc.kelurahan + ", Kec. " + loc.kecamatan + (loc.approximate ? " (perkiraan)" : "") : "⚠ Di luar Kota Serang — tetap dapat disimpan.");
    });
    refreshNearby();
  }
  $("coords").addEventListener("change", function () {
    var parts = this.value.split(/[ ,;]+/).filter(Boolean).map(Number);
    if (parts.length === 2 && isFinite(parts[0]) && isFinite(parts[1])) { setPoint(parts[0], parts[1], true); }
    else { text($("locate-result"), "✕ Koordinat tidak dikenali (contoh: -6.12, 106.15)."); }
  });
  $("kel-search").addEventListener("change", function () {
    var center = kelurahan[this.value];
    if (center) { setPoint(center.lat, center.lng, true); $("address").focus(); }
  });

  function refreshNearby() {
    var box = $("nearby");
    if (!point) { return; }
    var url = "/api/v1/calls/nearby?lat=" + point.lat + "&lon=" + point.lon + (chosenType ? "&type_code=" + encodeURIComponent(chosenType.code) : "");
    api(url).then(function (list) {
      nearby = list; box.textContent = "";
      list.forEach(function (n, i) {
        var b = el("button", { type: "button", "class": "dup", "data-join": n.number }, ["Alt+" + (i + 1) + " · Gabung ke " + n.number + " — " + n.type + ", " + n.distance_m + " m, " + n.minutes_ago + " mnt lalu" + (n.address ? " · " + n.address : "")]);
        b.addEventListener("click", function () { join(n); });
        box.appendChild(b);
      });
    }).catch(function () {});
  }
  function done(ref, verb) {
    text($("incident-state"), "✓ " + verb + " " + ref.number); $("incident-state").className = "state ok";
    text($("classify-state"), "✓ Darurat — " + ref.number); $("classify-state").className = "state ok";
    current.outcome = "darurat"; current.incident_id = ref.id;
    $("incident-form").hidden = true;
    loadQueue(); loadShift();
  }
  function fail(e) { text($("incident-state"), "✕ " + e.message); $("incident-state").className = "state err"; }
  function join(n) {
    api("/api/v1/calls/" + current.id + "/link", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ incident: n.number }) })
      .then(function (ref) { done(ref, "Digabung ke"); }).catch(fail);
  }
  function createIncident() {
    if (!current) { return; }
    if (!chosenType) { var hits = typeHits($("type-search").value); if (hits.length) { pickType(hits[0]); } }
    if (!chosenType) { fail(new Error("Pilih jenis kejadian.")); $("type-search").focus(); return; }
    var body = {
      type_code: chosenType.code, priority: $("priority").value, address: $("address").value || $("kel-search").value,
      description: $("description").value, callback_number: $("callback").value,
      lat: point ? point.lat : null, lon: point ? point.lon : null
    };
    text($("incident-state"), "Menyimpan…");
    api("/api/v1/calls/" + current.id + "/incident", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
      .then(function (ref) { done(ref, "Kejadian dibuat:"); }).catch(fail);
  }
  $("incident-form").addEventListener("submit", function (e) { e.preventDefault(); createIncident(); });
  $("btn-cancel").addEventListener("click", closeIncident);
  $("btn-emergency").addEventListener("click", openIncident);
  $("btn-end").addEventListener("click", endCall);
  document.querySelectorAll("#classify button[data-outcome]").forEach(function (b) {
    b.addEventListener("click", function () { classify(b.getAttribute("data-outcome")); });
  });

  $("manual-form").addEventListener("submit", function (e) {
    e.preventDefault();
    api("/api/v1/calls/", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ number: $("manual-number").value }) })
      .then(function (c) {
        // The number is in: the keyboard goes back to the console, so the next key
        // (I, G, S, U, N, D, E) classifies this call instead of typing into the field.
        var input = $("manual-number");
        input.value = ""; input.blur();
        document.querySelector(".manual").open = false;
        queue[c.id] = c; renderQueue(); showPop(c);
        $("pop").focus();
      })
      .catch(function (err) { alert(err.message); });
  });

  /* ------------------------------------------------------------ keyboard */
  var noiseKeys = {};
  cfg.noise.forEach(function (n) { noiseKeys[n.key] = n.outcome; });
  document.addEventListener("keydown", function (e) {
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName);
    if (e.key === "Escape") { closeIncident(); if (typing) { e.target.blur(); } return; }
    if (e.ctrlKey && e.key === "Enter" && !$("incident-form").hidden) { e.preventDefault(); createIncident(); return; }
    if (e.altKey && /^[1-5]$/.test(e.key) && nearby[Number(e.key) - 1]) { e.preventDefault(); join(nearby[Number(e.key) - 1]); return; }
    if (e.altKey && (e.key === "m" || e.key === "M")) { e.preventDefault(); document.querySelector(".manual").open = true; $("manual-number").focus(); return; }
    if (typing || e.ctrlKey || e.altKey || e.metaKey) { return; }
    var key = e.key.toLowerCase();
    if (noiseKeys[key] && current) { e.preventDefault(); classify(noiseKeys[key]); return; }
    if (key === "d" && current) { e.preventDefault(); openIncident(); return; }
    if (key === "e" && current) { e.preventDefault(); endCall(); return; }
    var rows = $("queue").tBodies[0].rows;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      selectedRow = Math.max(0, Math.min(rows.length - 1, selectedRow + (e.key === "ArrowDown" ? 1 : -1)));
      renderQueue(); return;
    }
    if (e.key === "Enter" && rows[selectedRow]) { openCall(rows[selectedRow].getAttribute("data-id")); }
  });

  /* ------------------------------------------------------------ map and live */
  var cityMap = null;
  if (window.L && Kendali.cityMap) {
    cityMap = Kendali.cityMap($("console-map"));
    cityMap.map.on("click", function (e) { if (!$("incident-form").hidden) { setPoint(e.latlng.lat, e.latlng.lng, false); } });
    cityMap.ready.then(function () {
      var list = $("kel-list");
      cityMap.kelurahan.eachLayer(function (layer) {
        var name = layer.feature.properties.nama;
        kelurahan[name] = layer.getBounds().getCenter();
        list.appendChild(el("option", { value: name }, []));
      });
    });
  }

  Kendali.live.on("calls.call.", function (msg) {
    var c = msg.data;
    queue[c.id] = Object.assign(queue[c.id] || {}, c);
    if (current && current.id === c.id) { current.state = c.state; current.ended_at = c.ended_at; showEndState(); }
    renderQueue();
    if (c.call_taker_id === cfg.user_id) { loadShift(); }
  });
  // The screen-pop (full number, caller history) is addressed by the server to the
  // call-taker who answered: only that console ever receives it.
  Kendali.live.on("calls.screenpop", function (msg) {
    var c = msg.data;
    queue[c.id] = Object.assign(queue[c.id] || {}, c);
    renderQueue();
    if (c.call_taker_id === cfg.user_id) { showPop(c); }
  });
  Kendali.live.on("kendali.reset", function () { loadQueue(); });
  Kendali.live.start("calls.");
  loadQueue(); loadShift();
  document.documentElement.setAttribute("data-console", "ready");
})();
