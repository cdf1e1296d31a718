"""Drives two running Guildhall instances with the real Mastodon.py (Debian python3-mastodon).

Usage: mastodon_py_cross_instance.py A_BASE B_BASE PASSWORD; prints "OK" when every step worked.
alice lives on A; bob and the community `guild` on B. client_api_test.cpp starts both servers.
Deliveries between the instances are asynchronous, so each cross-instance effect is awaited by
polling with a deadline.
"""
import sys
import urllib.parse

from mastodon_py_helpers import eventually, log_in


def main():
    a_base, b_base, password = sys.argv[1:4]
    a_host = urllib.parse.urlparse(a_base).netloc
    b_host = urllib.parse.urlparse(b_base).netloc
    alice = log_in(a_base, "alice", password, "Mastodon.py cross-instance")
    bob = log_in(b_base, "bob", password, "Mastodon.py cross-instance")

    # Follow a person on the other instance by name@host.
    found = alice.search_v2(f"bob@{b_host}", resolve=True)["accounts"]
    assert found and found[0]["acct"] == f"bob@{b_host}", found
    bob_on_a = found[0]
    alice.account_follow(bob_on_a["id"])
    eventually("B accepted alice's follow",
               lambda: alice.account_relationships(bob_on_a["id"])[0]["following"])

    # Join a community on the other instance by name@host: follow its group account.
    group = alice.account_lookup(f"guild@{b_host}")
    assert group["group"] is True, group
    alice.account_follow(group["id"])
    eventually("the group accepted alice",
               lambda: alice.account_relationships(group["id"])[0]["following"])

    # Post into it: a status that mentions the group.
    alice.status_post(f"@guild@{b_host} Hello from A\nThe first thread across instances.")
    guild_on_b = bob.account_lookup("guild")
    eventually("alice's thread reached the community on B",
               lambda: any("Hello from A" in s["content"]
                           for s in bob.account_statuses(guild_on_b["id"])))

    # bob posts on B; alice, who follows him, gets it, boosts and favourites it.
    bob.status_post("A post on B")

    def bobs_post_on_a():
        for status in alice.timeline_home():
            if status["reblog"] is None and "A post on B" in status["content"]:
                return status
        return None

    on_a = eventually("bob's post reached A", bobs_post_on_a)
    boosted = alice.status_reblog(on_a["id"])
    assert boosted["reblog"]["id"] == on_a["id"], boosted
    alice.status_favourite(on_a["id"])

    def bob_notified(kind):
        return any(n["type"] == kind and n["account"]["acct"] == f"alice@{a_host}"
                   for n in bob.notifications())

    eventually("B notified bob of alice's boost", lambda: bob_notified("reblog"))
    eventually("B notified bob of alice's favourite", lambda: bob_notified("favourite"))
    assert bob.status(boosted["reblog"]["uri"].rsplit("/", 1)[-1])["reblogs_count"] == 1

    # A mention from B reaches alice on A as a notification.
    bob.status_post(f"Thanks @alice@{a_host}!")
    eventually("A notified alice of bob's mention",
               lambda: any(n["type"] == "mention" and "Thanks" in n["status"]["content"]
                           for n in alice.notifications()))

    # A poll on B: alice votes from A and B counts it; bob's own vote then reaches A with the
    # tallies B sends (its Update of the Question).
    lunch = bob.status_post("Lunch?", poll=bob.make_poll(["Pizza", "Soup"], expires_in=3600))
    assert [o["title"] for o in lunch["poll"]["options"]] == ["Pizza", "Soup"], lunch

    def poll_on_a():
        for status in alice.timeline_home():
            if status["reblog"] is None and status["poll"] and "Lunch?" in status["content"]:
                return status
        return None

    lunch_on_a = eventually("bob's poll reached A", poll_on_a)["poll"]
    assert lunch_on_a["voted"] is False, lunch_on_a
    alice.poll_vote(lunch_on_a["id"], [1])  # Mastodon.py 1.8 drops the answer: read it back
    voted = alice.poll(lunch_on_a["id"])
    assert voted["voted"] and voted["own_votes"] == [1], voted
    eventually("B counted alice's vote",
               lambda: bob.poll(lunch["poll"]["id"])["options"][1]["votes_count"] == 1)
    bob.poll_vote(lunch["poll"]["id"], [0])

    def tallies_on_a():
        poll = alice.poll(lunch_on_a["id"])
        return poll["options"][0]["votes_count"] == 1 and poll["voters_count"] == 2
    eventually("A took B's tallies", tallies_on_a)

    # Unboost: B forgets the boost.
    alice.status_unreblog(on_a["id"])
    eventually("B removed the boost", lambda: not bob_notified("reblog"))
    print("OK")


if __name__ == "__main__":
    main()
