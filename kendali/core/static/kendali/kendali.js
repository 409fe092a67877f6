/* Kendali shell: WIB clock, language switch, htmx CSRF, and the live event stream. */
(function () {
  "use strict";
  var csrf = document.body.getAttribute("data-csrf");
  document.addEventListener("htmx:configRequest", function (e) { e.detail.headers["X-CSRFToken"] = csrf; });

  var wib = new Intl.DateTimeFormat("id-ID", { timeZone: "Asia/Jakarta", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
  function tick() {
    document.querySelectorAll("[data-clock]").forEach(function (el) { el.textContent = wib.format(new Date()).replace(/\./g, ":") + " WIB"; });
  }
  tick(); setInterval(tick, 1000);

  document.addEventListener("change", function (e) {
    if (e.target.matches(".langform select")) { e.target.form.submit(); }
  });

  /* Live stream: one EventSource per page, reconnecting with the last id so nothing
     is missed across network drops and server restarts. Subscribers register with
     Kendali.live.on(topicPrefix, fn). The status badge says when the page is not live. */
  var handlers = [];
  var lastId = null;
  var source = null;
  var retryMs = 1000;
  var statusEl = null;
  var topics = null;

  function setStatus(state, text) {
    statusEl = statusEl || document.getElementById("live-status");
    document.documentElement.setAttribute("data-live", state);
    if (!statusEl) { return; }
    statusEl.hidden = false;
    statusEl.setAttribute("data-state", state);
    statusEl.textContent = text;
  }

  /* The session ended (expired or the account was switched off): say so and stop the
     silent reconnect loop. Checked again every 30 s, so logging in again in this browser
     (another tab) brings the page back live by itself. */
  var LOGIN = "/masuk/?next=" + encodeURIComponent(location.pathname + location.search);
  function sessionEnded() {
    setStatus("expired", "");
    if (statusEl) {
      var a = document.createElement("a");
      a.href = LOGIN;
      a.textContent = "✕ SESI BERAKHIR — masuk lagi";
      statusEl.appendChild(a);
    }
    setTimeout(function () {
      probe(sessionEnded, function () { retryMs = 1000; connect(); }, sessionEnded);
    }, 30000);
  }
  /* EventSource never shows the HTTP status, so a 401 looks like a network drop.
     Ask the API who we are: 401 means the session is gone, anything else a drop. */
  function probe(onLoggedOut, onOk, onUnreachable) {
    fetch("/api/v1/me", { credentials: "same-origin", headers: { "Accept": "application/json" } }).then(
      function (r) { if (r.status === 401) { onLoggedOut(); } else if (r.ok) { onOk(); } else { onUnreachable(); } },
      onUnreachable
    );
  }
  function retryLater() {
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 15000);
  }

  function dispatch(msg) {
    handlers.forEach(function (h) {
      if (!h.prefix || msg.topic.indexOf(h.prefix) === 0) {
        try { h.fn(msg); } catch (err) { console.error(err); }
      }
    });
  }

  function connect() {
    var url = "/api/v1/events/stream";
    var params = [];
    if (topics) { params.push("topics=" + encodeURIComponent(topics)); }
    if (lastId) { params.push("last_event_id=" + encodeURIComponent(lastId)); }
    if (params.length) { url += "?" + params.join("&"); }
    source = new EventSource(url);
    source.onopen = function () { retryMs = 1000; setStatus("live", "● LANGSUNG"); };
    source.onmessage = function (e) {
      var msg;
      try { msg = JSON.parse(e.data); } catch (err) { return; }
      lastId = e.lastEventId || msg.id;
      dispatch(msg);
    };
    source.addEventListener("ready", function (e) {
      var info = JSON.parse(e.data);
      if (!lastId) { lastId = info.cursor; }
    });
    source.addEventListener("reset", function (e) {
      lastId = JSON.parse(e.data).cursor;
      dispatch({ topic: "kendali.reset", data: {} });
    });
    source.addEventListener("revoked", function () { source.close(); sessionEnded(); });
    source.onerror = function () {
      // The browser's own retry keeps Last-Event-ID, but gives up on HTTP errors
      // (e.g. 502 while the server restarts): reconnect ourselves with backoff, unless
      // the session has ended (401), which no retry can mend.
      setStatus("down", "○ TIDAK LANGSUNG — menyambung ulang…");
      source.close();
      probe(sessionEnded, retryLater, retryLater);
    };
  }

  window.Kendali = window.Kendali || {};
  window.Kendali.live = {
    on: function (prefix, fn) { handlers.push({ prefix: prefix, fn: fn }); },
    start: function (topicFilter) {
      if (source) { return; }
      topics = topicFilter || null;
      setStatus("down", "○ menyambung…");
      connect();
    },
    lastId: function () { return lastId; }
  };
  window.Kendali.csrf = csrf;
  window.Kendali.fetchJSON = function (url, opts) {
    opts = opts || {};
    opts.headers = Object.assign({ "Accept": "application/json", "X-CSRFToken": csrf }, opts.headers || {});
    opts.credentials = "same-origin";
    return fetch(url, opts).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        if (!r.ok) { var err = new Error(body.detail || r.statusText); err.problem = body; err.status = r.status; throw err; }
        return body;
      });
    });
  };
})();
