// Test-page helper: `?show=<surveyId>` shows that survey once the page has loaded;
// `?focus=<elementId>` focuses that element first (no user gesture: a survey shown so is
// one a script opened, not the shopper, unless `&shopper=1` says otherwise).
// Same-origin external script so that it also runs under the strict-CSP pages.
(function () {
  var params = new URLSearchParams(location.search);
  var focus = params.get("focus") && document.getElementById(params.get("focus"));
  if (focus) focus.focus();
  var id = params.get("show");
  // `?shopper=1`: the page says the shopper asked for it (as a feedback button does).
  if (id && params.get("shopper")) window.rapport("show", id, { shopper: true });
  else if (id) window.rapport("show", id);
})();
