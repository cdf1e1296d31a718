"""What the Mastodon.py scripts that drive two running instances share: logging in with the
password grant, and waiting for an effect another process brings about."""
import time

from mastodon import Mastodon

SCOPES = ["read", "write", "follow"]


def log_in(base, user, password, app_name):
    client_id, client_secret = Mastodon.create_app(app_name, scopes=SCOPES, api_base_url=base)
    api = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=base,
                   ratelimit_method="throw")
    api.log_in(username=user, password=password, scopes=SCOPES)
    return api


def eventually(what, check, deadline=60):
    """Polls `check` every 0.1 s until it returns something true, up to `deadline` seconds."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError("timed out waiting until " + what)
