// A form marked data-offline-queue survives a dropped connection: submitted while the phone
// is offline, it is kept in localStorage (with its Idempotency-Key, a hidden field) and sent
// when the connection returns, or when the page is opened again online. The key makes the
// service apply it once even if a sending is cut off after it took effect.
(function () {
  "use strict";
  var PREFIX = "aftercare.queued:";
  var status = document.querySelector("[data-queue-status]");
  var sending = false;

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

  function send(name) {
    var item = JSON.parse(localStorage.getItem(name));
    return fetch(item.action, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/x-www-form-urlencoded"},
      body: new URLSearchParams(item.fields).toString(),
    }).then(function (response) {
      if (response.status === 502 || response.status === 503) { return; }  // kept: no answer
      localStorage.removeItem(name);
      return show(response);
    });
  }

  function flush() {
    var items = queued();
    if (sending || !items.length || !navigator.onLine) { return; }
    sending = true;
    say("sending");
    send(items[0]).catch(function () { say("queued"); }).then(function () { sending = false; });
  }

  document.querySelectorAll("form[data-offline-queue]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (navigator.onLine) { return; }  // online: the ordinary post
      event.preventDefault();
      var fields = [];
      new FormData(form).forEach(function (value, key) { fields.push([key, value]); });
      var key = form.querySelector("input[name=key]").value;
      localStorage.setItem(PREFIX + key, JSON.stringify({action: form.action, fields: fields}));
      say("queued");
    });
  });
  if (queued().length) { say("queued"); }
  window.addEventListener("online", flush);
  flush();
})();
