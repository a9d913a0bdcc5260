//! The OpenAPI paths and schemas of the webhook receivers and the events
//! API (merged into [`crate::openapi::document`]).

use serde_json::{json, Map, Value};

use crate::openapi::{
    common, id_param, obj, op, path_param, public, query, schema, with_common, Answer, E2, E2V,
    SERVICE,
};

pub(crate) fn paths(p: &mut Map<String, Value>) {
    lead_paths(p);
    let t = "webhooks";
    let id = [id_param()];
    let e = common(E2, Some(SERVICE));
    let with = |extra: &[Answer]| with_common(extra, &e);
    p.insert("/api/v1/integrations/{id}/receiver".into(), json!({
        "get": op(t, "Where the provider is to send this integration's webhooks: an unguessable path made on first ask, the same on every server (the public base is --public-url, else the request's Host and X-Forwarded-Proto)", None,
            &with(&[("200", "The receiver", Some("Receiver")), ("404", "Not found (or not the caller's)", E2)]), &id),
    }));
    p.insert("/api/v1/integrations/{id}/events".into(), json!({
        "get": op(t, "What the receiver stored, newest first: genuine events (payload with secrets masked) and refused requests (why, never a payload)", None,
            &with(&[("200", "A page of events", Some("EventPage")), ("400", "limit or before is not a whole number in range", E2V), ("404", "Not found (or not the caller's)", E2)]),
            &[id_param(), query("limit", "integer", "1 to 200 (50 by default)"), query("before", "integer", "Only events with a smaller id (the `next` link sets it)")]),
    }));
    p.insert("/api/v1/integrations/{id}/events/test".into(), json!({
        "post": op(t, "Send a test event: a sample of the integration's provider signed with its stored secret, delivered through the real receiver of this server; answers what was stored. Not for SendGrid (it signs with a private key Switchboard never has)", None,
            &with(&[("201", "Delivered and stored", Some("TestEvent")), ("400", "No receiver for this provider, the signing secret is not set, or the receiver refused (e.g. the integration is turned off)", E2), ("403", "Viewers cannot send test events", E2), ("404", "Not found (or not the caller's)", E2)]), &id),
    }));
    let key = [path_param(
        "key",
        "The integration's receiver key (from GET /api/v1/integrations/{id}/receiver)",
    )];
    let refused = "Refused and recorded with why: a missing, malformed or wrong signature, a timestamp over 300 s away (Stripe, Mailgun: 406), a body that is not JSON";
    let text = json!({"description": "Meta's handshake: exactly hub.challenge", "content": {"text/plain": {"schema": {"type": "string"}}}});
    let mut get = public(op(t, "Meta's subscription handshake (Facebook, WhatsApp): hub.mode=subscribe, hub.verify_token equal to the stored webhook verify token, hub.challenge echoed", None,
        &[("403", "Wrong or missing verify token, or hub.mode not subscribe", E2), ("404", "Unknown key", E2), ("405", "Not a Meta integration", E2), ("410", "The integration is turned off or in the Trash", E2)],
        &[key[0].clone(), query("hub.mode", "string", "subscribe"), query("hub.verify_token", "string", "The verify token typed in Meta"), query("hub.challenge", "string", "Echoed")]));
    get["responses"]["200"] = text;
    p.insert(crate::receive::PATH.into(), json!({
        "get": get,
        "post": public(op(t, "A provider's delivery (no bearer token: the provider's signature is checked with the stored secret). Meta: X-Hub-Signature-256 with the app secret (a leadgen change's lead is read from the Graph API). Twilio: X-Twilio-Signature over the public URL and form. Stripe: Stripe-Signature with the webhook signing secret. SendGrid: the Event Webhook's ECDSA signature and timestamp headers with the verification key. Mailgun: the body's signature object with the webhook signing key. Each genuine event is stored once (a redelivery is acknowledged, not stored again); the stored rows' ids are listed in X-Switchboard-Events", None,
            &[("200", "Accepted (Twilio: empty TwiML)", Some("Received")), ("400", refused, E2), ("403", refused, E2), ("404", "Unknown key, or a provider without a receiver", E2), ("406", "Mailgun: a stale timestamp (not to be sent again)", E2), ("410", "The integration is turned off or in the Trash", E2), ("413", "Body over the size limit (1 MiB by default)", E2)],
            &key)),
    }));
}

/// Lead capture, the platform's leads and a page's leads with their tries.
fn lead_paths(p: &mut Map<String, Value>) {
    let t = "leads";
    let key = [path_param(
        "key",
        "The sign-up page's receiver key (from GET /api/v1/integrations/{id}/receiver)",
    )];
    let origin = "A browser's Origin that is not the origin of the page's Page URL (refused and recorded; no CORS headers)";
    p.insert(crate::receive::leads::PATH.into(), json!({
        "options": public(op(t, "The browser's CORS preflight: allowed (POST, Content-Type) for the origin of the sign-up page's Page URL only", None,
            &[("204", "Allowed for this origin (Access-Control-Allow-Origin names it)", None), ("403", origin, E2), ("404", "Unknown key, or not a sign-up page's", E2)], &key)),
        "post": public(op(t, "A sign-up from the page's form, JSON or form-encoded, no bearer token. Checked against the page's form_fields; a filled _honeypot field is answered like a success and stored only as a refused event; each client address may post 10 sign-ups per page per 10 minutes (counted in the database). Stored as a lead with the page's tag and campaign (and forwarded when the page has a forward URL). Answers carry CORS headers for the page's origin", None,
            &[("201", "Taken", Some("LeadTaken")), ("303", "Taken: a plain HTML form (form-encoded, Accept text/html) is sent on to the page's redirect_url", None),
              ("400", "The body is not a JSON object", E2), ("403", origin, E2), ("404", "Unknown key, or not a sign-up page's", E2), ("410", "The sign-up page is turned off or in the Trash", E2),
              ("413", "Body over 16 KB", E2), ("415", "Neither JSON nor form-encoded", E2), ("422", "Fields need attention: `fields` names each one's problem", Some("LeadProblems")), ("429", "Too many sign-ups from this address (Retry-After)", E2)], &key)),
    }));
    let e = common(E2, Some(SERVICE));
    let with = |extra: &[Answer]| with_common(extra, &e);
    let paging = [
        query(
            "after",
            "integer",
            "Only leads with a larger id (the previous page's next_after)",
        ),
        query("limit", "integer", "1 to 500 (100 by default)"),
    ];
    let mut platform = paging.to_vec();
    platform.push(query(
        "website",
        "integer",
        "Only leads of this website's sign-up pages",
    ));
    platform.push(query(
        "integration",
        "integer",
        "Only this sign-up page's leads",
    ));
    p.insert("/api/v1/leads/".into(), json!({
        "get": op(t, "Leads for the marketing platform, oldest first: a service token whose types include signup_page (or *) and whose website matches; counted against the token's rate limit", None,
            &with(&[("200", "A page of leads", Some("LeadPage")), ("400", "A query number out of range", E2V), ("403", "A person's token", E2), ("404", "Outside the token's websites or types", E2)]), &platform),
    }));
    let mut own = vec![id_param()];
    own.extend(paging);
    p.insert("/api/v1/integrations/{id}/leads".into(), json!({
        "get": op(t, "A sign-up page's leads, oldest first, each with every forwarding try (empty for other integrations)", None,
            &with(&[("200", "A page of leads", Some("LeadPage")), ("400", "A query number out of range", E2V), ("404", "Not found (or not the caller's)", E2)]), &own),
    }));
}

pub(crate) fn schemas(m: &mut Map<String, Value>) {
    lead_schemas(m);
    let s = json!({"type": "string"});
    m.insert("Receiver".into(), obj(json!({"path": {"type": "string", "description": "/hooks/<key>; a sign-up page's /leads/<key>"}, "url": {"type": "string", "description": "The public base + path, to paste in the provider's dashboard"}, "receives": {"type": ["string", "null"], "enum": ["meta", "twilio", "stripe", "sendgrid", "mailgun", "leads", null], "description": "How its deliveries are verified (leads: a sign-up page's form posts); null: this provider sends nothing Switchboard receives"}}), &["path", "url", "receives"]));
    m.insert("Event".into(), obj(json!({"id": {"type": "integer"}, "provider": s, "kind": {"type": "string", "description": "e.g. page.leadgen, status.delivered, payment_intent.succeeded, delivered; refused for a refused request"},
        "event_id": {"type": ["string", "null"], "description": "The provider's id (the dedupe key); null when refused"}, "verdict": {"type": "string", "enum": ["genuine", "refused"]},
        "reason": {"type": ["string", "null"], "description": "Why a request was refused"}, "received_at": {"type": "string", "format": "date-time"},
        "payload": {"description": "The event with secrets masked (a Lead Ads event carries `lead`, or `lead_error`); null when refused"}}),
        &["id", "provider", "kind", "verdict", "received_at"]));
    m.insert("EventPage".into(), obj(json!({"events": {"type": "array", "items": schema("Event")}, "next": {"type": ["string", "null"], "description": "The next (older) page"}}), &["events", "next"]));
    m.insert("TestEvent".into(), obj(json!({"status": {"type": "integer", "description": "What the receiver answered"}, "event": schema("Event"), "events": {"type": "array", "items": schema("Event")}}), &["status", "event", "events"]));
    m.insert("Received".into(), obj(json!({"received": {"type": "integer"}, "duplicates": {"type": "integer", "description": "Events already stored (not stored again)"}}), &["received", "duplicates"]));
}

fn lead_schemas(m: &mut Map<String, Value>) {
    let s = json!({"type": "string"});
    let ns = json!({"type": ["string", "null"]});
    m.insert("LeadTaken".into(), obj(json!({"received": {"type": "boolean"}, "redirect_url": {"type": ["string", "null"], "description": "Where the page sends people next"}}), &["received"]));
    m.insert("LeadProblems".into(), obj(json!({"detail": s, "fields": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Field name -> what is wrong and what to do (_form: the whole form)"}}), &["detail", "fields"]));
    m.insert("Lead".into(), obj(json!({"id": {"type": "integer"}, "integration": {"type": "integer"}, "website": {"type": ["integer", "null"]}, "received_at": s,
        "fields": {"type": "object", "description": "The form's checked values"}, "tag": ns, "campaign_id": ns, "auto_create_contact": {"type": "boolean"}, "origin": ns,
        "forward": {"type": ["object", "null"], "description": "state (pending, delivered, failed), attempts, next_attempt_at (unix seconds, pending only); null when not forwarded"},
        "attempts": {"type": "array", "description": "Every forwarding try (the page's own list only): attempt, at, url, status, error, duration_ms"}}),
        &["id", "integration", "received_at", "fields", "auto_create_contact"]));
    m.insert("LeadPage".into(), obj(json!({"leads": {"type": "array", "items": schema("Lead")}, "next_after": {"type": ["integer", "null"], "description": "The after of the next page; null on the last"}}), &["leads", "next_after"]));
}
