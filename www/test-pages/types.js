// types.html?type=nps|csat|ces|thumbs|emoji|single|multi|open[&locale=es|ar|…]
// Loads the test surveys, hands them to the widget as inline config (`rapport('config')`,
// replacing the collector's copies by id, with an inline-only thank-you title so tests can
// tell which copy was used), then shows the one for the requested question type.
(function () {
  var params = new URLSearchParams(location.search);
  var type = params.get("type") || "nps";
  var locale = params.get("locale");
  fetch("/test/surveys.json")
    .then(function (r) { return r.json(); })
    .then(function (c) {
      c.surveys.forEach(function (s) {
        s.thankYou = { title: "Thanks (inline config)", body: "Recorded for " + s.id + "." };
      });
      if (locale) c.locale = locale;
      window.rapport("config", c);
      window.rapport("show", "type-" + type);
      document.getElementById("page-type").textContent = type;
    });
})();
