// Drives two running Guildhall instances with the real masto.js 7 (Node 20).
// Usage: node cross_instance.mjs A_BASE B_BASE PASSWORD — carol lives on A; bob and the community
// `guild` on B. Prints "OK" when every step worked. Deliveries between the instances are
// asynchronous, so each cross-instance effect is awaited by polling with a deadline.
import assert from "node:assert/strict";

import { createOAuthAPIClient, createRestAPIClient } from "masto";

const [aBase, bBase, password] = process.argv.slice(2);
const aHost = new URL(aBase).host;
const bHost = new URL(bBase).host;
const SCOPES = "read write follow";

async function logIn(base, username) {
  const app = await createRestAPIClient({ url: base }).v1.apps.create({
    clientName: "masto.js cross-instance",
    redirectUris: "urn:ietf:wg:oauth:2.0:oob",
    scopes: SCOPES,
  });
  const token = await createOAuthAPIClient({ url: base }).token.create({
    grantType: "password",
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    username,
    password,
    scope: SCOPES,
  });
  return createRestAPIClient({ url: base, accessToken: token.accessToken });
}

async function eventually(what, check, deadlineMs = 60000) {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    const result = await check();
    if (result) return result;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting until ${what}`);
}

const carol = await logIn(aBase, "carol");
const bob = await logIn(bBase, "bob");

// Follow a person on the other instance by name@host.
const found = await carol.v2.search.list({ q: `bob@${bHost}`, resolve: true, type: "accounts" });
assert.equal(found.accounts[0]?.acct, `bob@${bHost}`);
const bobOnA = found.accounts[0];
await carol.v1.accounts.$select(bobOnA.id).follow();
await eventually("B accepted carol's follow", async () => {
  const [relationship] = await carol.v1.accounts.relationships.fetch({ id: [bobOnA.id] });
  return relationship.following;
});

// Join the community on B by name@host: follow its group account.
const group = await carol.v1.accounts.lookup({ acct: `guild@${bHost}` });
assert.equal(group.group, true);
await carol.v1.accounts.$select(group.id).follow();
await eventually("the group accepted carol", async () => {
  const [relationship] = await carol.v1.accounts.relationships.fetch({ id: [group.id] });
  return relationship.following;
});

// Post into it by mentioning the group.
await carol.v1.statuses.create({ status: `@guild@${bHost} Hello from masto.js\nA thread.` });
const guildOnB = await bob.v1.accounts.lookup({ acct: "guild" });
await eventually("carol's thread reached the community on B", async () => {
  const threads = await bob.v1.accounts.$select(guildOnB.id).statuses.list();
  return threads.some((s) => s.content.includes("Hello from masto.js"));
});

// bob's post reaches carol, who boosts it; B tells bob.
await bob.v1.statuses.create({ status: "Boost this, carol" });
const onA = await eventually("bob's post reached A", async () => {
  const home = await carol.v1.timelines.home.list();
  return home.find((s) => !s.reblog && s.content.includes("Boost this"));
});
const boosted = await carol.v1.statuses.$select(onA.id).reblog();
assert.equal(boosted.reblog.id, onA.id);
await eventually("B notified bob of carol's boost", async () => {
  const notifications = await bob.v1.notifications.list({ types: ["reblog"] });
  return notifications.some((n) => n.account.acct === `carol@${aHost}`);
});

// bob mentions carol; A notifies her.
await bob.v1.statuses.create({ status: `Thanks @carol@${aHost}` });
await eventually("A notified carol of the mention", async () => {
  const notifications = await carol.v1.notifications.list({ types: ["mention"] });
  return notifications.some((n) => n.account.acct === `bob@${bHost}`);
});
// bob's multiple-choice poll on B: carol votes for two options from A (a JSON body); B counts both.
const poll = await bob.v1.statuses.create({
  status: "Which days?",
  poll: { options: ["Mon", "Tue", "Wed"], expiresIn: 3600, multiple: true },
});
assert.equal(poll.poll.multiple, true);
const pollOnA = await eventually("bob's poll reached A", async () => {
  const home = await carol.v1.timelines.home.list();
  return home.find((s) => !s.reblog && s.poll && s.content.includes("Which days?"));
});
const voted = await carol.v1.polls.$select(pollOnA.poll.id).votes.create({ choices: [0, 2] });
assert.deepEqual(voted.ownVotes, [0, 2]);
await eventually("B counted carol's votes", async () => {
  const counted = await bob.v1.polls.$select(poll.poll.id).fetch();
  return counted.votersCount === 1 && counted.options[2].votesCount === 1;
});
console.log("OK");
