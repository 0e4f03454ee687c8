// Stands in for the store's own backend, which a static demo does not have: it mints the
// signed-in customer's token and tells the collector that an order was paid, signed as a
// Standard Webhooks sender signs it. A real store does both on its server: its secrets
// (config/demo.json's `customerTokenSecret` and `webhooks.standard`) must never reach a
// page. The demo's secrets are public, so the demo does it here, with the browser's WebCrypto.
(function () {
  var SITE = "demo";
  var TOKEN_SECRET = "demo-customer-token-secret-change-me-0123";
  var WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  var enc = new TextEncoder();

  function b64url(bytes) {
    var s = "";
    new Uint8Array(bytes).forEach(function (b) { s += String.fromCharCode(b); });
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function b64(bytes) {
    var s = "";
    new Uint8Array(bytes).forEach(function (b) { s += String.fromCharCode(b); });
    return btoa(s);
  }
  function hmac(keyBytes, text) {
    return crypto.subtle
      .importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"])
      .then(function (key) { return crypto.subtle.sign("HMAC", key, enc.encode(text)); });
  }

  /** An HS256 customer token for `customer`, valid for 10 minutes (README, "Minting customer tokens"). */
  function customerToken(customer) {
    var now = Math.floor(Date.now() / 1000);
    var part = function (x) { return b64url(enc.encode(JSON.stringify(x))); };
    var body = part({ alg: "HS256", typ: "JWT" }) + "." + part({ sub: customer, site: SITE, iat: now, exp: now + 600 });
    return hmac(enc.encode(TOKEN_SECRET), body).then(function (sig) { return body + "." + b64url(sig); });
  }

  /** Sends `order.paid` for `order` ({id, customer, eligible, total, currency}) to the collector. */
  function orderPaid(order) {
    var id = "msg_" + order.id;
    var ts = String(Math.floor(Date.now() / 1000));
    var body = JSON.stringify({ type: "order.paid", timestamp: new Date().toISOString(), data: order });
    var key = Uint8Array.from(atob(WEBHOOK_SECRET.slice("whsec_".length)), function (c) { return c.charCodeAt(0); });
    return hmac(key, id + "." + ts + "." + body).then(function (sig) {
      return fetch("/v1/sites/" + SITE + "/webhooks/standard", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "webhook-id": id,
          "webhook-timestamp": ts,
          "webhook-signature": "v1," + b64(sig),
        },
        body: body,
      }).then(function (r) { return r.json(); });
    });
  }

  window.demoStore = { customerToken: customerToken, orderPaid: orderPaid };
})();
