// Drives a running Guildhall with the real masto.js 7 (Node 20).
// Usage: node client.mjs BASE_URL USER PASSWORD — prints "OK" and exits 0 when every step worked.
// client_api_test.cpp installs masto from package-lock.json, starts the server and runs this.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";

import { createOAuthAPIClient, createRestAPIClient, createStreamingAPIClient } from "masto";

const [base, user, password] = process.argv.slice(2);
const OOB = "urn:ietf:wg:oauth:2.0:oob";
const SCOPES = "read write follow";

// Plays the browser: signs in to the web app (/web/session), approves on the consent page and
// returns the out-of-band code.
async function signInAndConsent(url) {
  const session = await fetch(new URL("/web/session", base), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: user, password }),
  });
  assert.equal(session.status, 200);
  const sessionCookie = session.headers.get("set-cookie").split(";")[0];
  const page = await fetch(url, { headers: { Cookie: sessionCookie } });
  assert.equal(page.status, 200);
  const html = await page.text();
  const cookie = `${sessionCookie}; ${page.headers.get("set-cookie").split(";")[0]}`;
  const fields = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields.set(m[1], m[2].replaceAll("&amp;", "&").replaceAll("&quot;", '"'));
  fields.set("decision", "approve");
  const shown = await fetch(new URL("/oauth/authorize", base), {
    method: "POST",
    headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
    body: fields,
  });
  const match = (await shown.text()).match(/<code id="code">([^<]+)<\/code>/);
  assert.ok(match, "the page shows the code");
  return match[1];
}

const anonymous = createRestAPIClient({ url: base });
const app = await anonymous.v1.apps.create({
  clientName: "masto.js test",
  redirectUris: OOB,
  scopes: SCOPES,
});
const oauth = createOAuthAPIClient({ url: base });

// Authorization code with PKCE S256 (JSON token request, as masto.js sends it).
const verifier = randomBytes(32).toString("base64url");
const challenge = createHash("sha256").update(verifier).digest("base64url");
const authorize = new URL("/oauth/authorize", base);
authorize.search = new URLSearchParams({
  response_type: "code",
  client_id: app.clientId,
  redirect_uri: OOB,
  scope: SCOPES,
  code_challenge: challenge,
  code_challenge_method: "S256",
}).toString();
const code = await signInAndConsent(authorize.toString());
const token = await oauth.token.create({
  grantType: "authorization_code",
  clientId: app.clientId,
  clientSecret: app.clientSecret,
  redirectUri: OOB,
  code,
  codeVerifier: verifier,
});
assert.equal(token.scope, SCOPES);

// The password grant works too when the server allows it.
const byPassword = await oauth.token.create({
  grantType: "password",
  clientId: app.clientId,
  clientSecret: app.clientSecret,
  username: user,
  password,
  scope: SCOPES,
});
assert.ok(byPassword.accessToken);

const masto = createRestAPIClient({ url: base, accessToken: token.accessToken });
const me = await masto.v1.accounts.verifyCredentials();
assert.equal(me.username, user);
assert.equal(me.group, false);

// Post, reply, edit, favourite, delete.
const first = await masto.v1.statuses.create({ status: "Hello from masto.js #node" });
const reply = await masto.v1.statuses.create({ status: "a reply", inReplyToId: first.id });
assert.equal(reply.inReplyToId, first.id);
const edited = await masto.v1.statuses.$select(first.id).update({ status: "Edited #node" });
assert.ok(edited.editedAt);
const context = await masto.v1.statuses.$select(first.id).context.fetch();
assert.deepEqual(context.descendants.map((s) => s.id), [reply.id]);
const faved = await masto.v1.statuses.$select(first.id).favourite();
assert.equal(faved.favourited, true);
assert.equal(faved.favouritesCount, 1);
await masto.v1.statuses.$select(first.id).unfavourite();
const deleted = await masto.v1.statuses.$select(reply.id).remove();
assert.equal(deleted.text, "a reply");
await assert.rejects(masto.v1.statuses.$select(reply.id).fetch(), (e) => e.statusCode === 404);

// Timelines, following the Link header across pages.
for (let i = 0; i < 3; i++) await masto.v1.statuses.create({ status: `filler ${i}` });
const pages = [];
for await (const page of masto.v1.timelines.home.list({ limit: 2 })) {
  pages.push(page);
  if (pages.length === 2) break;
}
assert.equal(pages[0].length, 2);
assert.ok(pages[1].length >= 1);
assert.ok(BigInt(pages[1][0].id) < BigInt(pages[0][1].id));
const local = await masto.v1.timelines.public.list({ local: true, limit: 2 });
assert.equal(local[0].id, pages[0][0].id);
const tagged = await masto.v1.timelines.tag.$select("node").list();
assert.deepEqual(tagged.map((s) => s.id), [first.id]);

// A direct status stays off the public timeline and is listed as a conversation.
const direct = await masto.v1.statuses.create({
  status: "a note to self #node",
  visibility: "direct",
});
assert.equal(direct.visibility, "direct");
const publicNow = await masto.v1.timelines.public.list({ local: true, limit: 5 });
assert.ok(!publicNow.some((s) => s.id === direct.id));
const conversations = await masto.v1.conversations.list();
assert.equal(conversations[0].lastStatus.id, direct.id);
const read = await masto.v1.conversations.$select(conversations[0].id).read();
assert.equal(read.unread, false);

// Errors are JSON: masto.js raises its typed error with the status.
const unauthorized = createRestAPIClient({ url: base, accessToken: "not-a-token" });
await assert.rejects(unauthorized.v1.accounts.verifyCredentials(), (e) => e.statusCode === 401);
await oauth.revoke({ clientId: app.clientId, clientSecret: app.clientSecret, token: byPassword.accessToken });
const revoked = createRestAPIClient({ url: base, accessToken: byPassword.accessToken });
await assert.rejects(revoked.v1.accounts.verifyCredentials(), (e) => e.statusCode === 401);

const instance = await masto.v2.instance.fetch();
assert.ok(instance.version.startsWith("4.2.0 (compatible; Guildhall"));

// Streaming: masto.js (Elk, Phanpy) opens the WebSocket at configuration.urls.streaming with the
// token as the subprotocol, then subscribes by message.
const streaming = createStreamingAPIClient({
  streamingApiUrl: instance.configuration.urls.streaming,
  accessToken: token.accessToken,
});
const events = streaming.user.subscribe()[Symbol.asyncIterator]();
// The subscribe message may still be in flight when the first post commits: post again until the
// update arrives (each wait is for the event itself, bounded).
let update = null;
let pending = events.next();
for (let attempt = 0; attempt < 5 && !update; attempt++) {
  await masto.v1.statuses.create({ status: `live ${attempt}` });
  for (;;) {
    const timeout = new Promise((resolve) => setTimeout(() => resolve(null), 5000));
    const result = await Promise.race([pending, timeout]);
    if (!result) break; // still pending: kept for the next attempt
    pending = events.next();
    if (result.value.event === "update" && result.value.payload.content.includes("live")) {
      update = result.value;
      break;
    }
  }
}
assert.ok(update, "an update event arrived");
assert.equal(update.payload.account.username, user);
streaming.close();
console.log("OK");
