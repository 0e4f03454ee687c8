// Demo helpers: an event log fed by `rapport('on', …)`, and the export command for this origin.
(function () {
  var log = document.getElementById("events");
  ["show", "submit", "close", "delivered"].forEach(function (name) {
    window.rapport("on", name, function (detail) {
      if (!log) return;
      var li = document.createElement("li");
      li.textContent = name + " " + JSON.stringify(detail);
      log.appendChild(li);
    });
  });
  // The header's Rewards button opens the loyalty panel (fetched only now, on the click).
  var rewards = document.getElementById("rewards");
  if (rewards)
    rewards.addEventListener("click", function () {
      window.rapport("loyalty");
    });
  var origin = location.origin;
  var curl = document.getElementById("export-curl");
  if (curl)
    curl.textContent =
      'curl -H "Authorization: Bearer demo-admin-token" \\\n  "' + origin + '/v1/responses?site=demo&format=csv"';
  var link = document.getElementById("export-link");
  if (link) link.href = origin + "/v1/responses?site=demo&format=json";
})();
