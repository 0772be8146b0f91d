// A form marked data-offline-queue survives a dropped connection: on submit it is kept in
// localStorage (with its Idempotency-Key, a hidden field) and sent from there; when the
// phone is offline, or the sending fails, it stays queued and is sent again when the
// connection returns (the online event, a retry every 20 s, or the page opened again). The
// key makes the service apply it once even if a sending is cut off after it took effect.
(function () {
  "use strict";
  var PREFIX = "aftercare.queued:";
  var status = document.querySelector("[data-queue-status]");
  var RETRY_MS = 20000;
  // One state per window: a page written over this one (document.write) runs this script
  // again in the same window, whose timer and sending must not be doubled.
  var state = window.aftercareQueue || (window.aftercareQueue = {sending: false, timer: null});

  function say(which) {
    if (!status) { return; }
    status.textContent = status.getAttribute("data-" + which);
    status.hidden = false;
  }

  function queued() {
    var items = [];
    for (var i = 0; i < localStorage.length; i++) {
      var name = localStorage.key(i);
      if (name.indexOf(PREFIX) === 0) { items.push(name); }
    }
    return items;
  }

  // The console's answer replaces the page, as the ordinary post would have (the next
  // step with its message, or the form with the service's refusal next to its fields).
  function show(response) {
    return response.text().then(function (html) {
      if (response.redirected) { history.replaceState(null, "", response.url); }
      document.open(); document.write(html); document.close();
    });
  }

  // The page's own CSRF token: a form queued before its user had to sign in again carries
  // the ended session's token, which the console would refuse.
  function fields(item) {
    var current = document.querySelector("input[name=csrf_token]");
    return item.fields.map(function (pair) {
      return pair[0] === "csrf_token" && current ? [pair[0], current.value] : pair;
    });
  }

  function send(name) {
    var item = JSON.parse(localStorage.getItem(name));
    return fetch(item.action, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/x-www-form-urlencoded"},
      body: new URLSearchParams(fields(item)).toString(),
    }).then(function (response) {
      if (response.status === 502 || response.status === 503) {  // kept: no answer
        say("queued");
        return;
      }
      if (response.status === 401 || new URL(response.url).pathname === "/sign-in") {
        window.location.assign(response.url);  // kept: sent once the user signed in again
        return;
      }
      localStorage.removeItem(name);
      return show(response);
    });
  }

  function flush() {
    var items = queued();
    var signedIn = document.body.hasAttribute("data-signed-in");  // else: sign in first
    if (state.sending || !items.length || !navigator.onLine || !signedIn) { return; }
    state.sending = true;
    say("sending");
    send(items[0]).catch(function () { say("queued"); })
      .then(function () { state.sending = false; });
  }

  function queue(form) {
    var fields = [];
    new FormData(form).forEach(function (value, key) { fields.push([key, value]); });
    var key = form.querySelector("input[name=key]").value;
    localStorage.setItem(PREFIX + key, JSON.stringify({action: form.action, fields: fields}));
  }

  document.querySelectorAll("form[data-offline-queue]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      queue(form);  // kept first: a connection lost while sending loses nothing
      if (navigator.onLine) { flush(); } else { say("queued"); }
    });
  });
  if (queued().length) { say("queued"); }
  window.addEventListener("online", flush);
  window.clearInterval(state.timer);
  state.timer = window.setInterval(flush, RETRY_MS);
  flush();
})();
