// vouch's badge clock: re-evaluates every trust badge against the reader's
// clock, so a card that expires between two builds shows as stale on time.
// The build writes each badge's due date and the first day it is expiring;
// without JavaScript the state computed at build time stays.
(function () {
  "use strict";
  var LABELS = { fresh: "Fresh", expiring: "Expiring", stale: "Stale" };

  function todayUtc() {
    return new Date().toISOString().slice(0, 10);
  }

  function stateOn(today, due, expiringFrom) {
    if (today > due) return "stale";
    if (today >= expiringFrom) return "expiring";
    return "fresh";
  }

  function refresh() {
    var today = todayUtc();
    var badges = document.querySelectorAll("[data-vouch-badge][data-due]");
    for (var i = 0; i < badges.length; i++) {
      var badge = badges[i];
      var built = badge.getAttribute("data-state");
      if (!LABELS[built]) continue;
      var state = stateOn(today, badge.getAttribute("data-due"), badge.getAttribute("data-expiring-from"));
      if (state === built) continue;
      badge.className = badge.className.replace("badge-" + built, "badge-" + state);
      badge.setAttribute("data-state", state);
      badge.textContent = LABELS[state];
      badge.title = "Now " + state + " (the page was built when it was " + built + ")";
    }
  }

  // "/" focuses the search box, as on GitHub and in most documentation sites.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var target = e.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var box = document.getElementById("search-q") || document.getElementById("site-search-q");
    if (box) {
      e.preventDefault();
      box.focus();
      box.select();
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", refresh);
  } else {
    refresh();
  }
})();
