#!/usr/bin/python3
"""Drives a running Guildhall with the real Mastodon.py client (Debian python3-mastodon).

Usage: mastodon_py_client.py BASE_URL USER PASSWORD
Exits 0 and prints "OK" when every step worked; raises (exit 1) on the first failure.
client_api_test.cpp starts the server and runs this script.
"""
import html.parser
import http.cookiejar
import json
import re
import struct
import sys
import urllib.parse
import urllib.request
import zlib

from mastodon import Mastodon

SCOPES = ["read", "write", "follow"]


class FormFields(html.parser.HTMLParser):
    """Collects the inputs of the consent form, as a browser would submit them."""

    def __init__(self):
        super().__init__()
        self.fields = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") and attrs.get("type") == "hidden":
            self.fields[attrs["name"]] = attrs.get("value", "")


def sign_in_and_consent(url, user, password):
    """Plays the browser: signs in to the web app (/web/session), opens the authorize page,
    approves, returns the out-of-band code."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    opener.open(urllib.request.Request(
        urllib.parse.urljoin(url, "/web/session"),
        json.dumps({"username": user, "password": password}).encode(),
        {"Content-Type": "application/json"})).read()
    page = opener.open(url).read().decode()
    form = FormFields()
    form.feed(page)
    assert "csrf_token" in form.fields, page
    form.fields.update({"decision": "approve"})
    action = urllib.parse.urljoin(url, "/oauth/authorize")
    shown = opener.open(action, urllib.parse.urlencode(form.fields).encode()).read().decode()
    match = re.search(r'<code id="code">([^<]+)</code>', shown)
    assert match, shown
    return match.group(1)


def png_bytes(width, height):
    """A real RGB PNG (a horizontal gradient), made without an imaging library."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    row = b"\x00" + b"".join(bytes((x * 255 // width, 128, 255 - x * 255 // width))
                              for x in range(width))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b""))


def main():
    base, user, password = sys.argv[1:4]
    client_id, client_secret = Mastodon.create_app(
        "Mastodon.py test", scopes=SCOPES, api_base_url=base)

    # The authorization code flow, through the real sign-in page.
    app = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=base,
                   ratelimit_method="throw")
    assert app.retrieve_mastodon_version() == "4.2.0", app.retrieve_mastodon_version()
    code = sign_in_and_consent(app.auth_request_url(scopes=SCOPES), user, password)
    app.log_in(code=code, scopes=SCOPES)
    me = app.account_verify_credentials()
    assert me.username == user, me

    # The password grant (oauth.password_grant is on for this server).
    api = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=base,
                   ratelimit_method="throw")
    api.log_in(username=user, password=password, scopes=SCOPES)
    assert api.me().id == me.id

    # Post, reply, edit, favourite, delete.
    first = api.status_post("Hello from Mastodon.py #python", idempotency_key="py-1")
    again = api.status_post("Hello from Mastodon.py #python", idempotency_key="py-1")
    assert again.id == first.id, (first.id, again.id)
    assert first.tags[0].name == "python", first.tags
    reply = api.status_post("a reply", in_reply_to_id=first.id)
    assert reply.in_reply_to_id == first.id
    edited = api.status_update(first.id, status="Hello, edited #python")
    assert edited.edited_at is not None
    assert len(api.status_history(first.id)) == 2
    assert api.status_source(first.id).text == "Hello, edited #python"
    context = api.status_context(first.id)
    assert [s.id for s in context.descendants] == [reply.id], context
    faved = api.status_favourite(first.id)
    assert faved.favourited and faved.favourites_count == 1, faved
    assert [a.id for a in api.status_favourited_by(first.id)] == [me.id]
    api.status_unfavourite(first.id)
    deleted = api.status_delete(reply.id)
    assert deleted.text == "a reply", deleted

    # Timelines, with pagination through the Link header.
    for i in range(3):
        api.status_post("page filler %d" % i)
    home = api.timeline_home(limit=2)
    assert len(home) == 2, home
    older = api.fetch_next(home)
    assert older and older[0].id < home[-1].id, older
    local = api.timeline_local(limit=2)
    assert len(local) == 2 and local[0].id == home[0].id, (local, home)
    assert api.timeline_local(limit=2, since_id=home[0].id) == []
    tagged = api.timeline_hashtag("python")
    assert [s.id for s in tagged] == [first.id], tagged
    assert api.account_statuses(me.id, limit=1)[0].id == home[0].id

    # Media: uploaded (v2, processed at once), described, attached, and the file served.
    media = api.media_post(png_bytes(64, 48), mime_type="image/png", description="a gradient",
                           focus=(0.5, -0.5))
    assert media.type == "image" and media.url and media.blurhash, media
    assert media.meta.original.width == 64 and media.meta.focus.x == 0.5, media.meta
    media = api.media_update(media.id, description="a colour gradient")
    assert media.description == "a colour gradient", media
    pictured = api.status_post("with a picture", media_ids=[media.id])
    attachment = pictured.media_attachments[0]
    assert attachment.id == media.id and attachment.description == "a colour gradient", pictured
    with urllib.request.urlopen(attachment.url) as response:
        assert response.headers["Content-Type"] == "image/png", response.headers
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.read()[:8] == b"\x89PNG\r\n\x1a\n"
    assert api.instance().configuration.statuses.max_media_attachments == 4

    # The rest of a client's first screen.
    assert api.instance().uri
    assert api.markers_get(["home"]) == {}
    api.markers_set(["home"], [home[0].id])
    assert int(api.markers_get(["home"]).home.last_read_id) == home[0].id
    assert api.notifications() == []
    assert api.search_v2("nobody-here", resolve=False).accounts == []
    print("OK")


if __name__ == "__main__":
    main()
