// types.html?type=nps|csat|ces|thumbs|emoji|single|multi|open[&locale=es|ar|…]
// Shows the collector's test survey for the requested question type (`type-…`, defined in
// www/test-pages/surveys.json, which the e2e harness adds to the collector's configuration),
// after an inline `rapport('config', {locale})` when the page asks for a locale. Surveys are
// defined only in the collector's configuration: the page restates none.
(function () {
  var params = new URLSearchParams(location.search);
  var type = params.get("type") || "nps";
  var locale = params.get("locale");
  if (locale) window.rapport("config", { locale: locale });
  window.rapport("show", "type-" + type);
  document.getElementById("page-type").textContent = type;
})();
