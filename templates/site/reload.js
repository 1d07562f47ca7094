// vouch serve's live reload: reloads the page when the site was rebuilt, and
// shows build errors over the page until the next good build.
(function () {
  "use strict";
  var box = null;
  function show(message) {
    if (!box) {
      box = document.createElement("pre");
      box.id = "vouch-build-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 1rem 1rem 1rem;max-height:50vh;overflow:auto;margin:0;padding:1rem;background:#4a0e16;color:#fff;border-radius:.5rem;z-index:99;white-space:pre-wrap;font:13px/1.4 ui-monospace,monospace";
      document.body.appendChild(box);
    }
    box.textContent = message;
  }
  var events = new EventSource("/__vouch/events");
  events.addEventListener("reload", function () { location.reload(); });
  events.addEventListener("build-error", function (e) { show(e.data); });
})();
