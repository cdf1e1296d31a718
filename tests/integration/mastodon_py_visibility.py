"""Followers-only and direct posts across two running Guildhall instances, driven by the real
Mastodon.py (Debian python3-mastodon).

Usage: mastodon_py_visibility.py A_BASE B_BASE PASSWORD; prints "OK" when every step worked.
alice and carol live on A, bob on B (client_api_test.cpp starts both servers). bob follows alice;
carol does not. A direct message from alice reaches bob only (his conversations and notifications),
a followers-only post reaches bob's home, and neither shows anywhere public on A or B nor to an
unsigned fetch of the post. Deliveries are asynchronous: each cross-instance effect is awaited by
polling with a deadline.
"""
import sys
import urllib.error
import urllib.parse
import urllib.request

from mastodon import Mastodon, MastodonNotFoundError

from mastodon_py_helpers import eventually, log_in


def status_code(url, accept):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept})) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def hidden_from(api, status_id):
    try:
        api.status(status_id)
        return False
    except MastodonNotFoundError:
        return True


def in_public_timelines(anonymous_apis, text):
    return any(text in s["content"] for api in anonymous_apis for s in api.timeline_public())


def main():
    a_base, b_base, password = sys.argv[1:4]
    a_host = urllib.parse.urlparse(a_base).netloc
    alice = log_in(a_base, "alice", password, "Mastodon.py visibility")
    carol = log_in(a_base, "carol", password, "Mastodon.py visibility")
    bob = log_in(b_base, "bob", password, "Mastodon.py visibility")
    anonymous = [Mastodon(api_base_url=a_base), Mastodon(api_base_url=b_base)]

    alice_on_b = bob.search_v2(f"alice@{a_host}", resolve=True)["accounts"][0]
    bob.account_follow(alice_on_b["id"])
    eventually("A accepted bob's follow",
               lambda: bob.account_relationships(alice_on_b["id"])[0]["following"])
    bob_on_a = alice.search_v2(f"bob@{urllib.parse.urlparse(b_base).netloc}",
                               resolve=True)["accounts"][0]

    # A direct message: bob reads it in his conversations and notifications, nobody else does.
    dm = alice.status_post(f"@{bob_on_a['acct']} only for you", visibility="direct")
    assert dm["visibility"] == "direct", dm

    def bobs_conversation():
        found = [c for c in bob.conversations() if "only for you" in c["last_status"]["content"]]
        return found[0] if found else None

    conversation = eventually("the direct message reached bob on B", bobs_conversation)
    assert conversation["unread"] is True, conversation
    assert conversation["last_status"]["visibility"] == "direct", conversation
    assert [a["acct"] for a in conversation["accounts"]] == [f"alice@{a_host}"], conversation
    assert any(n["type"] == "mention" and n["status"]["id"] == conversation["last_status"]["id"]
               for n in bob.notifications()), "bob is notified"
    assert hidden_from(carol, dm["id"]), "carol on A does not read it"
    assert hidden_from(anonymous[1], conversation["last_status"]["id"]), "nor anyone on B"
    assert not in_public_timelines(anonymous, "only for you")
    assert status_code(dm["uri"], "application/activity+json") == 404, "unsigned fetch"

    # bob answers directly: alice's conversation comes back unread with his answer.
    bob.status_post(f"@alice@{a_host} got it", in_reply_to_id=conversation["last_status"]["id"],
                    visibility="direct")

    def alices_unread_answer():
        return any(c["unread"] and "got it" in c["last_status"]["content"]
                   for c in alice.conversations())

    eventually("bob's answer reached alice's conversation on A", alices_unread_answer)
    assert not in_public_timelines(anonymous, "got it")

    # A followers-only post: in bob's home on B, not for carol, not public anywhere.
    private = alice.status_post("for my followers only", visibility="private")
    assert private["visibility"] == "private", private
    on_b = eventually("the followers-only post reached bob's home",
                      lambda: next((s for s in bob.timeline_home()
                                    if "for my followers only" in s["content"]), None))
    assert on_b["visibility"] == "private", on_b
    assert hidden_from(carol, private["id"])
    assert hidden_from(anonymous[1], on_b["id"])
    assert not in_public_timelines(anonymous, "for my followers only")
    assert status_code(private["uri"], "application/activity+json") == 404, "unsigned fetch"
    print("OK")


if __name__ == "__main__":
    main()
