//! The HTTP(S) client of outbound webhooks: reqwest over rustls (ring), trusting the public
//! web's certificate authorities (the webpki root set, compiled in: no dependency on the
//! host's certificate store) plus, per endpoint, the `rootCertificate` its configuration
//! names (a private CA or a self-signed certificate). Every attempt is bounded: connecting
//! by [`CONNECT_TIMEOUT`], the whole request and answer by [`ATTEMPT_TIMEOUT`]. Redirects
//! are not followed (a signed event goes where it was configured to go, or fails and is
//! retried).
//!
//! Clients are built once per distinct `rootCertificate` and reused (each keeps its pool of
//! connections), so a configuration reload that changes nothing costs nothing.

use std::collections::HashMap;
use std::error::Error as _;
use std::sync::Mutex;
use std::time::Duration;

use reqwest::{redirect, Certificate, Client, StatusCode};

use crate::loyalty::outbound::OutboundWebhook;

/// Limit on opening the connection (TCP and TLS handshake).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Limit on one attempt (connect, send, answer).
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// Clients by the extra root certificate they trust.
#[derive(Default)]
pub struct WebhookClients {
    clients: Mutex<HashMap<Option<String>, Client>>,
}

impl WebhookClients {
    /// The client for `target` (built on first use).
    fn client(&self, target: &OutboundWebhook) -> Result<Client, String> {
        let mut clients = self
            .clients
            .lock()
            .map_err(|_| "webhook clients poisoned".to_owned())?;
        if let Some(c) = clients.get(&target.root_certificate) {
            return Ok(c.clone());
        }
        let mut builder = Client::builder()
            .use_rustls_tls()
            .tls_built_in_root_certs(true)
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(ATTEMPT_TIMEOUT)
            .redirect(redirect::Policy::none())
            .user_agent("rapport-collector");
        if let Some(pem) = &target.root_certificate {
            for cert in Certificate::from_pem_bundle(pem.as_bytes())
                .map_err(|e| format!("outboundWebhook.rootCertificate: {}", chain(&e)))?
            {
                builder = builder.add_root_certificate(cert);
            }
        }
        let client = builder
            .build()
            .map_err(|e| format!("outboundWebhook.rootCertificate: {}", chain(&e)))?;
        clients.insert(target.root_certificate.clone(), client.clone());
        Ok(client)
    }

    /// POSTs `body` with `headers` to `target`; the status it answered, or why there was
    /// none (with the cause: refused connection, certificate not trusted, timeout…).
    pub async fn post(
        &self,
        target: &OutboundWebhook,
        headers: &[(&'static str, String)],
        body: Vec<u8>,
    ) -> Result<StatusCode, String> {
        let client = self.client(target)?;
        let mut request = client
            .post(&target.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json");
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let response = request.body(body).send().await.map_err(|e| {
            if e.is_timeout() {
                format!("no answer within {ATTEMPT_TIMEOUT:?}: {}", chain(&e))
            } else if e.is_connect() {
                format!("connect: {}", chain(&e))
            } else {
                chain(&e)
            }
        })?;
        Ok(response.status())
    }
}

/// An error with its causes, `outer: inner: innermost` (reqwest's own message alone says
/// only "error sending request").
fn chain(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}
