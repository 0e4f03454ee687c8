// Test-page helper: `?show=<surveyId>` shows that survey once the page has loaded.
// Same-origin external script so that it also runs under the strict-CSP pages.
(function () {
  var id = new URLSearchParams(location.search).get("show");
  if (id) window.rapport("show", id);
})();
