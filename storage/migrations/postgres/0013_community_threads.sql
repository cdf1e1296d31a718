-- Guildhall schema v13 (PostgreSQL): the FEP-7888 context of remote threads and link posts. Keep in step with
-- ../sqlite/0013_community_threads.sql.

-- A remote thread's `context` collection as its origin published it (ours is computed from the
-- post's id): backfilling its comments reads it, and our comments in that thread carry it.
ALTER TABLE posts ADD COLUMN context_url TEXT CHECK (context_url IS NULL OR context_url <> '');

-- A link post's link (Lemmy's `attachment: [{type: Link, href}]` on a Page): an http(s) URL.
ALTER TABLE posts ADD COLUMN link_url TEXT CHECK (link_url IS NULL OR link_url <> '');
