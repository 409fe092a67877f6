/* Stock-take scan page: every scan is queued in localStorage with its own idempotency key
   before anything is sent, so a scan survives a dropped connection or a closed tab; the
   queue is sent in order when online, and a resent scan is recognised by the server. */
(function () {
  "use strict";
  var root = document.getElementById("scan");
  if (!root) return;
  var url = root.dataset.url;
  var storeKey = "kendali.bmd.scan." + root.dataset.stocktake;
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var msg = root.dataset;
  var sending = false;
  var position = null;

  function load() {
    try { return JSON.parse(localStorage.getItem(storeKey) || "[]"); } catch (e) { return []; }
  }
  function save(queue) { localStorage.setItem(storeKey, JSON.stringify(queue)); }
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }
  function li(text, cls) {
    var el = document.createElement("li");
    el.textContent = text;
    if (cls) el.className = cls;
    return el;
  }
  function render() {
    var queue = load();
    var list = document.getElementById("queue");
    list.textContent = "";
    queue.forEach(function (s) {
      list.appendChild(li((s.code || s.found_name) + " — " + (s.error ? msg.msgRefused + ": " + s.error : msg.msgQueued), s.error ? "bad" : ""));
    });
    document.getElementById("queue-count").textContent = queue.length;
  }
  function net(online, text) {
    var el = document.getElementById("net");
    el.textContent = text || (online ? msg.msgOnline : msg.msgOffline);
    el.className = "net " + (online ? "ok" : "bad");
  }
  function progress(p) {
    if (!p) return;
    var bar = document.getElementById("progress");
    bar.max = p.total; bar.value = p.found;
    document.getElementById("progress-text").textContent = p.found + " / " + p.total;
  }

  function flush() {
    if (sending) return;
    var queue = load().filter(function (s) { return !s.error; });
    if (!queue.length) return;
    sending = true;
    var scan = queue[0];
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Idempotency-Key": scan.key },
      body: JSON.stringify(scan)
    }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (body) {
        var rest = load();
        if (resp.ok) {
          save(rest.filter(function (s) { return s.key !== scan.key; }));
          var text = (scan.code || scan.found_name) + " — " + (body.name || body.result) + " · " + (body.replayed ? msg.msgReplayed : msg.msgSent);
          document.getElementById("done").prepend(li(text, body.result === "found" ? "ok" : "warn"));
          progress(body.progress);
          net(true);
        } else if (resp.status >= 400 && resp.status < 500 && resp.status !== 408 && resp.status !== 429) {
          // Refused for a reason a retry will not change: kept and shown, never dropped.
          rest.forEach(function (s) { if (s.key === scan.key) s.error = body.detail || String(resp.status); });
          save(rest);
        } else {
          throw new Error("server " + resp.status);
        }
      });
    }).then(function () {
      sending = false; render(); flush();
    }).catch(function () {
      sending = false; net(false); render();
    });
  }

  function record(code) {
    code = (code || "").trim();
    var foundName = document.getElementById("found_name").value.trim();
    if (!code && !foundName) { net(navigator.onLine, msg.msgEmpty); return; }
    var foundValue = document.getElementById("found_value").value;
    var queue = load();
    queue.push({
      key: newKey(),
      code: code,
      found_name: foundName,
      found_code: document.getElementById("found_code").value.trim(),
      found_value: foundValue ? foundValue : null,
      condition: document.getElementById("condition").value,
      note: document.getElementById("note").value,
      lat: position ? position.latitude : null,
      lon: position ? position.longitude : null,
      photo: root.dataset.photo || "",
      scanned_at: new Date().toISOString()
    });
    save(queue);
    root.dataset.photo = "";
    document.getElementById("scan-form").reset();
    render();
    flush();
    document.getElementById("code").focus();
  }

  document.getElementById("scan-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    record(document.getElementById("code").value);
  });

  document.getElementById("photo").addEventListener("change", function (ev) {
    var file = ev.target.files && ev.target.files[0];
    if (!file) return;
    var img = new Image();
    img.onload = function () {
      var scale = Math.min(1, 640 / Math.max(img.width, img.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(img.width * scale); canvas.height = Math.round(img.height * scale);
      canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
      root.dataset.photo = canvas.toDataURL("image/jpeg", 0.6);
      URL.revokeObjectURL(img.src);
    };
    img.src = URL.createObjectURL(file);
  });

  // Camera scanning where the browser has a QR detector; typing the NIBAR always works.
  var button = document.getElementById("camera-button");
  if ("BarcodeDetector" in window && navigator.mediaDevices) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var video = document.getElementById("camera");
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      var last = "", lastAt = 0;
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        video.srcObject = stream; video.hidden = false; video.play(); button.hidden = true;
        (function tick() {
          detector.detect(video).then(function (codes) {
            if (codes.length) {
              var value = codes[0].rawValue, now = Date.now();
              if (value !== last || now - lastAt > 3000) {
                last = value; lastAt = now;
                if (navigator.vibrate) navigator.vibrate(80);
                record(value);
              }
            }
          }).catch(function () {}).then(function () { setTimeout(tick, 300); });
        })();
      }).catch(function () { net(navigator.onLine); });
    });
  } else {
    document.getElementById("net").textContent = msg.msgNocamera;
  }

  if (navigator.geolocation) {
    navigator.geolocation.getCurrentPosition(function (p) { position = p.coords; }, function () {}, { timeout: 5000 });
  }
  window.addEventListener("online", function () { net(true); flush(); });
  window.addEventListener("offline", function () { net(false); });
  setInterval(flush, 10000);
  render();
  flush();
})();
