// The client API's repositories (migration 0004), written once against the driver interface like
// repositories.cpp. Timelines select ids here and load each post through the PostRepo, so there is
// one mapping of a post row (attachments included).

#include <algorithm>

#include "client_api_impl.hpp"
#include "repo_context.hpp"

namespace guildhall::storage::detail {

namespace {

using driver::Param;
using driver::Params;
using driver::Row;
using driver::Rows;

std::string join(const std::vector<std::string>& items, char separator) {
  std::string out;
  for (const auto& item : items) {
    if (item.empty() || item.find(separator) != std::string::npos)
      throw driver::DriverError(core::Error::invalid_input("invalid list item"));
    if (!out.empty())
      out += separator;
    out += item;
  }
  return out;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(separator, start);
    if (end == std::string::npos)
      end = text.size();
    if (end > start)
      out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

OAuthApp app_from(const Row& r) {
  OAuthApp a;
  a.id = r.i64("id");
  a.client_id = r.text("client_id");
  a.client_secret_hash = r.text("client_secret_hash");
  a.name = r.text("name");
  a.website = r.opt_text("website");
  a.redirect_uris = split(r.text("redirect_uris"), '\n');
  a.scopes = split(r.text("scopes"), ' ');
  a.created_at = r.time("created_at");
  return a;
}

OAuthCode code_from(const Row& r) {
  OAuthCode c;
  c.id = r.i64("id");
  c.code_hash = r.text("code_hash");
  c.app_id = r.i64("app_id");
  c.user_id = r.i64("user_id");
  c.redirect_uri = r.text("redirect_uri");
  c.scopes = split(r.text("scopes"), ' ');
  c.code_challenge = r.opt_text("code_challenge");
  c.created_at = r.time("created_at");
  c.expires_at = r.time("expires_at");
  c.used_at = r.opt_time("used_at");
  return c;
}

OAuthToken token_from(const Row& r) {
  OAuthToken t;
  t.id = r.i64("id");
  t.token_hash = r.text("token_hash");
  t.app_id = r.i64("app_id");
  t.user_id = r.opt_i64("user_id");
  t.scopes = split(r.text("scopes"), ' ');
  t.code_id = r.opt_i64("code_id");
  t.created_at = r.time("created_at");
  t.last_used_at = r.opt_time("last_used_at");
  t.revoked_at = r.opt_time("revoked_at");
  return t;
}

Reblog reblog_from(const Row& r) {
  return Reblog{r.i64("id"), r.i64("actor_id"), r.i64("post_id"), r.text("ap_id"),
                r.time("created_at")};
}

Marker marker_from(const Row& r) {
  return Marker{r.text("timeline"), r.text("last_read_id"), r.i64("version"), r.time("updated_at")};
}

core::Error not_found(std::string what) {
  return core::Error::not_found(std::move(what));
}

class OAuthRepoImpl final : public OAuthRepo {
 public:
  explicit OAuthRepoImpl(RepoContext x) : x_(x) {}

  Result<OAuthApp> create_app(const NewOAuthApp& a) override {
    return x_.write([&]() -> Result<OAuthApp> {
      auto rows = x_.q(
          "INSERT INTO oauth_apps (id, client_id, client_secret_hash, name, website, "
          "redirect_uris, scopes, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *",
          {x_.ids.next(), a.client_id, a.client_secret_hash, a.name, a.website,
           join(a.redirect_uris, '\n'), join(a.scopes, ' '), x_.now()});
      return app_from(rows.front());
    });
  }

  Result<OAuthApp> get_app(Id id) override {
    return one_app("SELECT * FROM oauth_apps WHERE id = $1", {id});
  }

  Result<OAuthApp> get_app_by_client_id(std::string_view client_id) override {
    return one_app("SELECT * FROM oauth_apps WHERE client_id = $1", {client_id});
  }

  Result<OAuthCode> create_code(const NewOAuthCode& c) override {
    return x_.write([&]() -> Result<OAuthCode> {
      auto rows = x_.q(
          "INSERT INTO oauth_codes (id, code_hash, app_id, user_id, redirect_uri, scopes, "
          "code_challenge, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
          "RETURNING *",
          {x_.ids.next(), c.code_hash, c.app_id, c.user_id, c.redirect_uri, join(c.scopes, ' '),
           c.code_challenge, x_.now(), c.expires_at});
      return code_from(rows.front());
    });
  }

  Result<OAuthCode> consume_code(std::string_view code_hash) override {
    return x_.write([&]() -> Result<OAuthCode> {
      auto rows = x_.q("SELECT * FROM oauth_codes WHERE code_hash = $1", {code_hash});
      if (rows.empty())
        return not_found("unknown authorization code");
      OAuthCode code = code_from(rows.front());
      if (code.used_at)
        return core::Error::conflict("authorization code already used");
      // The guard on used_at makes two concurrent redemptions race for one row update.
      auto updated =
          x_.q("UPDATE oauth_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL RETURNING id",
               {x_.now(), code.id});
      if (updated.empty())
        return core::Error::conflict("authorization code already used");
      return code;
    });
  }

  Result<OAuthToken> create_token(const NewOAuthToken& t) override {
    return x_.write([&]() -> Result<OAuthToken> {
      auto rows = x_.q(
          "INSERT INTO oauth_tokens (id, token_hash, app_id, user_id, scopes, code_id, "
          "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *",
          {x_.ids.next(), t.token_hash, t.app_id, t.user_id, join(t.scopes, ' '), t.code_id,
           x_.now()});
      return token_from(rows.front());
    });
  }

  Result<OAuthToken> get_token_by_hash(std::string_view token_hash) override {
    return x_.read([&]() -> Result<OAuthToken> {
      auto rows = x_.q("SELECT * FROM oauth_tokens WHERE token_hash = $1", {token_hash});
      if (rows.empty())
        return not_found("unknown access token");
      return token_from(rows.front());
    });
  }

  Result<OAuthToken> get_token(Id id) override {
    return x_.read([&]() -> Result<OAuthToken> {
      auto rows = x_.q("SELECT * FROM oauth_tokens WHERE id = $1", {id});
      if (rows.empty())
        return not_found("unknown access token");
      return token_from(rows.front());
    });
  }

  Result<void> touch_token(Id id, TimePoint used_at) override {
    return x_.write([&]() -> Result<void> {
      x_.q("UPDATE oauth_tokens SET last_used_at = $1 WHERE id = $2", {used_at, id});
      return {};
    });
  }

  Result<bool> revoke_token(std::string_view token_hash, Id app_id) override {
    return x_.write([&]() -> Result<bool> {
      auto rows = x_.q(
          "UPDATE oauth_tokens SET revoked_at = $1 WHERE token_hash = $2 AND app_id = $3 AND "
          "revoked_at IS NULL RETURNING id",
          {x_.now(), token_hash, app_id});
      for (auto row : rows)
        x_.record(ChangeKind::token_revoked, row.i64("id"));
      return !rows.empty();
    });
  }

  Result<std::int64_t> revoke_tokens_for_user(Id user_id, std::optional<Id> keep) override {
    return revoke_unrevoked("user_id = $2 AND id <> $3", {user_id, keep.value_or(0)});
  }

  Result<std::int64_t> revoke_tokens_for_code(std::string_view code_hash) override {
    return revoke_unrevoked("code_id IN (SELECT id FROM oauth_codes WHERE code_hash = $2)",
                            {code_hash});
  }

 private:
  // Revokes the unrevoked tokens matching `condition` (on $2, $3, … = values); each revocation
  // is a token_revoked change (the streams of the token close). Returns how many.
  Result<std::int64_t> revoke_unrevoked(std::string_view condition, const Params& values) {
    return x_.write([&]() -> Result<std::int64_t> {
      Params params{x_.now()};
      params.insert(params.end(), values.begin(), values.end());
      auto rows = x_.q("UPDATE oauth_tokens SET revoked_at = $1 WHERE revoked_at IS NULL AND " +
                           std::string(condition) + " RETURNING id",
                       params);
      for (auto row : rows)
        x_.record(ChangeKind::token_revoked, row.i64("id"));
      return static_cast<std::int64_t>(rows.size());
    });
  }

  Result<OAuthApp> one_app(std::string_view sql, const Params& params) {
    return x_.read([&]() -> Result<OAuthApp> {
      auto rows = x_.q(sql, params);
      if (rows.empty())
        return not_found("unknown application");
      return app_from(rows.front());
    });
  }

  RepoContext x_;
};

// Posts a client may see: not tombstoned, not removed by a moderator.
constexpr std::string_view kLivePost = "deleted_at IS NULL AND removed_at IS NULL";
// Public timelines, tags and search list public posts only (Mastodon leaves unlisted ones out).
constexpr const char* kListed = " AND visibility = 'public'";

class ClientApiRepoImpl final : public ClientApiRepo {
 public:
  ClientApiRepoImpl(RepoContext x, Tx& tx) : x_(x), tx_(tx) {}

  Result<void> add_bookmark(Id actor_id, Id post_id) override {
    return x_.write([&]() -> Result<void> {
      x_.q(
          "INSERT INTO bookmarks (id, actor_id, post_id, created_at) VALUES ($1, $2, $3, $4) "
          "ON CONFLICT (actor_id, post_id) DO NOTHING",
          {x_.ids.next(), actor_id, post_id, x_.now()});
      return {};
    });
  }

  Result<void> remove_bookmark(Id actor_id, Id post_id) override {
    return x_.write([&]() -> Result<void> {
      x_.q("DELETE FROM bookmarks WHERE actor_id = $1 AND post_id = $2", {actor_id, post_id});
      return {};
    });
  }

  Result<bool> is_bookmarked(Id actor_id, Id post_id) override {
    return x_.read([&]() -> Result<bool> {
      return !x_.q("SELECT 1 AS one FROM bookmarks WHERE actor_id = $1 AND post_id = $2",
                   {actor_id, post_id})
                  .empty();
    });
  }

  Result<void> pin_to_profile(Id actor_id, Id post_id) override {
    return x_.write([&]() -> Result<void> {
      x_.q(
          "INSERT INTO profile_pins (actor_id, post_id, created_at) VALUES ($1, $2, $3) "
          "ON CONFLICT (actor_id, post_id) DO NOTHING",
          {actor_id, post_id, x_.now()});
      return {};
    });
  }

  Result<bool> unpin_from_profile(Id actor_id, Id post_id) override {
    return x_.write([&]() -> Result<bool> {
      return !x_.q("DELETE FROM profile_pins WHERE actor_id = $1 AND post_id = $2 "
                   "RETURNING post_id",
                   {actor_id, post_id})
                  .empty();
    });
  }

  Result<std::vector<Id>> profile_pins(Id actor_id) override {
    return x_.read([&]() -> Result<std::vector<Id>> {
      std::vector<Id> out;
      for (const auto& row : x_.q("SELECT post_id FROM profile_pins WHERE actor_id = $1 "
                                  "ORDER BY created_at DESC, post_id DESC",
                                  {actor_id}))
        out.push_back(row.i64("post_id"));
      return out;
    });
  }

  Result<bool> is_pinned_to_profile(Id actor_id, Id post_id) override {
    return x_.read([&]() -> Result<bool> {
      return !x_.q("SELECT 1 AS one FROM profile_pins WHERE actor_id = $1 AND post_id = $2",
                   {actor_id, post_id})
                  .empty();
    });
  }

  Result<std::vector<std::pair<Id, Id>>> bookmarks(Id actor_id, const PageRequest& page) override {
    return post_pairs("SELECT id, post_id FROM bookmarks WHERE actor_id = $1", actor_id, page);
  }

  Result<std::vector<std::pair<Id, Id>>> favourites(Id actor_id, const PageRequest& page) override {
    return post_pairs("SELECT id, post_id FROM reactions WHERE actor_id = $1 AND kind = 'like'",
                      actor_id, page);
  }

  Result<std::optional<Id>> idempotent_post(Id actor_id, std::string_view key,
                                            TimePoint not_before) override {
    return x_.read([&]() -> Result<std::optional<Id>> {
      auto rows = x_.q(
          "SELECT post_id FROM idempotency_keys WHERE actor_id = $1 AND idem_key = $2 AND "
          "created_at >= $3",
          {actor_id, key, not_before});
      if (rows.empty())
        return std::optional<Id>{};
      return std::optional<Id>(rows.front().i64("post_id"));
    });
  }

  Result<void> remember_idempotent_post(Id actor_id, std::string_view key, Id post_id) override {
    return x_.write([&]() -> Result<void> {
      x_.q(
          "INSERT INTO idempotency_keys (actor_id, idem_key, post_id, created_at) VALUES ($1, $2, "
          "$3, $4) ON CONFLICT (actor_id, idem_key) DO UPDATE SET post_id = excluded.post_id, "
          "created_at = excluded.created_at",
          {actor_id, key, post_id, x_.now()});
      return {};
    });
  }

  Result<std::vector<Marker>> markers(Id actor_id) override {
    return x_.read([&]() -> Result<std::vector<Marker>> {
      std::vector<Marker> out;
      for (auto row :
           x_.q("SELECT * FROM markers WHERE actor_id = $1 ORDER BY timeline", {actor_id}))
        out.push_back(marker_from(row));
      return out;
    });
  }

  Result<Marker> save_marker(Id actor_id, std::string_view timeline,
                             std::string_view last_read_id) override {
    return x_.write([&]() -> Result<Marker> {
      auto rows = x_.q(
          "INSERT INTO markers (actor_id, timeline, last_read_id, version, updated_at) VALUES "
          "($1, $2, $3, 1, $4) ON CONFLICT (actor_id, timeline) DO UPDATE SET last_read_id = "
          "excluded.last_read_id, version = markers.version + 1, updated_at = excluded.updated_at "
          "RETURNING *",
          {actor_id, timeline, last_read_id, x_.now()});
      return marker_from(rows.front());
    });
  }

  Result<std::optional<std::string>> web_locale(Id actor_id) override {
    return x_.read([&]() -> Result<std::optional<std::string>> {
      auto rows = x_.q("SELECT web_locale FROM users WHERE actor_id = $1", {actor_id});
      if (rows.empty())
        return not_found("unknown user");
      return rows.front().opt_text("web_locale");
    });
  }

  Result<void> set_web_locale(Id actor_id, const std::optional<std::string>& locale) override {
    return x_.write([&]() -> Result<void> {
      if (x_.q("UPDATE users SET web_locale = $1 WHERE actor_id = $2 RETURNING actor_id",
               {locale, actor_id})
              .empty())
        return not_found("unknown user");
      return {};
    });
  }

  Result<std::vector<std::string>> muted_notifications(Id actor_id) override {
    return x_.read([&]() -> Result<std::vector<std::string>> {
      std::vector<std::string> out;
      for (auto row : x_.q("SELECT category FROM notification_opt_outs WHERE actor_id = $1 ORDER "
                           "BY category",
                           {actor_id}))
        out.push_back(row.text("category"));
      return out;
    });
  }

  Result<void> set_muted_notifications(Id actor_id,
                                       const std::vector<std::string>& categories) override {
    for (const auto& category : categories)
      if (std::find(kNotificationCategories.begin(), kNotificationCategories.end(), category) ==
          kNotificationCategories.end())
        return core::Error::invalid_input("unknown notification category: " + category);
    return x_.write([&]() -> Result<void> {
      x_.q("DELETE FROM notification_opt_outs WHERE actor_id = $1", {actor_id});
      for (const auto& category : categories)
        x_.q(
            "INSERT INTO notification_opt_outs (actor_id, category) VALUES ($1, $2) ON CONFLICT "
            "DO NOTHING",
            {actor_id, category});
      return {};
    });
  }

  Result<Reblog> add_reblog(Id actor_id, Id post_id, std::string_view ap_id) override {
    return x_.write([&]() -> Result<Reblog> {
      const Id id = x_.ids.next();
      x_.q(
          "INSERT INTO reblogs (id, actor_id, post_id, ap_id, created_at) VALUES ($1, $2, $3, $4, "
          "$5) ON CONFLICT (actor_id, post_id) DO NOTHING",
          {id, actor_id, post_id, ap_id, x_.now()});
      auto row = one_reblog("SELECT * FROM reblogs WHERE actor_id = $1 AND post_id = $2",
                            {actor_id, post_id});
      if (row && row->id == id)  // new, not the existing boost
        x_.record(ChangeKind::reblog_created, id);
      return row;
    });
  }

  Result<Reblog> remove_reblog(Id actor_id, Id post_id) override {
    return x_.write([&]() -> Result<Reblog> {
      auto rows = x_.q("DELETE FROM reblogs WHERE actor_id = $1 AND post_id = $2 RETURNING *",
                       {actor_id, post_id});
      if (rows.empty())
        return not_found("no such boost");
      return reblog_from(rows.front());
    });
  }

  Result<Reblog> get_reblog(Id id) override {
    return x_.read([&] { return one_reblog("SELECT * FROM reblogs WHERE id = $1", {id}); });
  }

  Result<Reblog> get_reblog_by_ap_id(std::string_view ap_id) override {
    return x_.read([&] { return one_reblog("SELECT * FROM reblogs WHERE ap_id = $1", {ap_id}); });
  }

  Result<bool> is_reblogged(Id actor_id, Id post_id) override {
    return x_.read([&]() -> Result<bool> {
      return !x_.q("SELECT 1 AS one FROM reblogs WHERE actor_id = $1 AND post_id = $2",
                   {actor_id, post_id})
                  .empty();
    });
  }

  Result<std::int64_t> count_reblogs(Id post_id) override {
    return count("SELECT count(*) AS n FROM reblogs WHERE post_id = $1", post_id);
  }

  Result<std::vector<std::pair<Id, Id>>> reblogged_by(Id post_id,
                                                      const PageRequest& page) override {
    return x_.read([&]() -> Result<std::vector<std::pair<Id, Id>>> {
      std::string sql = "SELECT id, actor_id FROM reblogs WHERE post_id = $1";
      Params params{post_id};
      paginate(sql, params, page, "id");
      std::vector<std::pair<Id, Id>> out;
      for (auto row : x_.q(sql, params))
        out.emplace_back(row.i64("id"), row.i64("actor_id"));
      return out;
    });
  }

  Result<void> add_mentions(Id post_id, const std::vector<Id>& actor_ids) override {
    return x_.write([&]() -> Result<void> {
      for (Id actor_id : actor_ids)
        x_.q(
            "INSERT INTO post_mentions (post_id, actor_id) VALUES ($1, $2) ON CONFLICT (post_id, "
            "actor_id) DO NOTHING",
            {post_id, actor_id});
      return {};
    });
  }

  Result<std::vector<Id>> mentions(Id post_id) override {
    return x_.read([&]() -> Result<std::vector<Id>> {
      std::vector<Id> out;
      for (auto row :
           x_.q("SELECT actor_id FROM post_mentions WHERE post_id = $1 ORDER BY actor_id",
                {post_id}))
        out.push_back(row.i64("actor_id"));
      return out;
    });
  }

  Result<std::vector<TimelineEntry>> home_timeline(Id actor_id, const PageRequest& page) override {
    const std::string live = " AND p.deleted_at IS NULL AND p.removed_at IS NULL" +
                             readable_filter(Reader{.actor_id = actor_id}, "p", "$1");
    const std::string followed =
        "(p.author_id = $1 OR p.author_id IN (SELECT followee_id FROM follows WHERE follower_id = "
        "$1 AND state = 'accepted'))";
    std::string sql =
        "SELECT id, post_id, by_id FROM ("
        "SELECT p.id AS id, p.id AS post_id, CAST(NULL AS BIGINT) AS by_id FROM posts p WHERE " +
        followed + live +
        " UNION ALL SELECT rb.id, rb.post_id, rb.actor_id FROM reblogs rb JOIN posts p ON p.id = "
        "rb.post_id WHERE (rb.actor_id = $1 OR rb.actor_id IN (SELECT followee_id FROM follows "
        "WHERE follower_id = $1 AND state = 'accepted'))" +
        live +
        " UNION ALL SELECT p.id, p.id, p.community_id FROM posts p WHERE p.parent_id IS NULL AND "
        "p.community_id IN (SELECT community_id FROM memberships WHERE actor_id = $1 AND state = "
        "'accepted') AND NOT " +
        followed + live + ") t WHERE 1 = 1";
    auto rows = x_.read([&]() -> Result<std::vector<std::tuple<Id, Id, std::optional<Id>>>> {
      Params params{actor_id};
      paginate(sql, params, page, "id");
      std::vector<std::tuple<Id, Id, std::optional<Id>>> out;
      for (auto row : x_.q(sql, params))
        out.emplace_back(row.i64("id"), row.i64("post_id"), row.opt_i64("by_id"));
      return out;
    });
    if (!rows)
      return std::move(rows).error();
    std::vector<TimelineEntry> out;
    out.reserve(rows->size());
    for (const auto& [cursor, post_id, by] : *rows) {
      auto post = tx_.posts().get(post_id);
      if (!post)
        return std::move(post).error();
      out.push_back({cursor, std::move(*post), by});
    }
    return out;
  }

  Result<std::vector<Post>> public_timeline(PublicScope scope, const Reader& reader,
                                            const PageRequest& page) override {
    Params params;
    std::string sql = "SELECT id FROM posts WHERE " + std::string(kLivePost) + kListed;
    sql += scope_filter(scope, params);
    sql += readable_filter(reader, params);
    return load_posts(std::move(sql), std::move(params), page);
  }

  Result<std::vector<Post>> posts_containing(std::string_view needle, PublicScope scope,
                                             const Reader& reader,
                                             const PageRequest& page) override {
    const std::string pattern = contains_pattern(needle);
    Params params{pattern};
    std::string sql = "SELECT id FROM posts WHERE " + std::string(kLivePost) + kListed +
                      " AND (lower(content_html) LIKE $1 ESCAPE '\\' OR "
                      "lower(coalesce(content_source, '')) LIKE $1 ESCAPE '\\')";
    sql += scope_filter(scope, params);
    sql += readable_filter(reader, params);
    return load_posts(std::move(sql), std::move(params), page);
  }

  Result<bool> post_readable(const Reader& reader, Id post_id) override {
    return x_.read([&]() -> Result<bool> {
      Params params{post_id};
      const std::string sql =
          "SELECT 1 AS one FROM posts WHERE id = $1" + readable_filter(reader, params);
      return !x_.q(sql, params).empty();
    });
  }

  Result<bool> post_readable_on(Id post_id, std::string_view domain) override {
    return x_.read([&]() -> Result<bool> {
      const std::string sql =
          "SELECT 1 AS one FROM posts WHERE id = $1" +
          visibility_filter("posts", "IN (SELECT id FROM actors WHERE lower(domain) = lower($2))");
      return !x_.q(sql, {post_id, std::string(domain)}).empty();
    });
  }

  Result<std::vector<Conversation>> conversations(Id actor_id, const PageRequest& page) override {
    return x_.read([&]() -> Result<std::vector<Conversation>> {
      std::string sql =
          "SELECT c.id AS id, c.thread_id AS thread_id, coalesce(cm.read_through, 0) AS "
          "read_through FROM (SELECT max(p.id) AS id, p.thread_id AS thread_id FROM posts p "
          "WHERE " +
          std::string(kDirectTo1) +
          " GROUP BY p.thread_id) c LEFT JOIN conversation_marks cm ON cm.actor_id = $1 AND "
          "cm.thread_id = c.thread_id WHERE c.id > coalesce(cm.hidden_through, 0)";
      Params params{actor_id};
      paginate(sql, params, page, "c.id");
      std::vector<Conversation> out;
      for (auto row : x_.q(sql, params)) {
        auto c = conversation(actor_id, row.i64("thread_id"), row.i64("id"));
        c.unread = c.unread && c.last_post_id > row.i64("read_through");
        out.push_back(std::move(c));
      }
      return out;
    });
  }

  Result<Conversation> mark_conversation_read(Id actor_id, Id conversation_id) override {
    return x_.write([&]() -> Result<Conversation> {
      auto last = mark_conversation(actor_id, conversation_id, "read_through");
      if (!last)
        return std::move(last).error();
      auto c = conversation(actor_id, conversation_id, *last);
      c.unread = false;
      return c;
    });
  }

  Result<void> hide_conversation(Id actor_id, Id conversation_id) override {
    return x_.write([&]() -> Result<void> {
      auto last = mark_conversation(actor_id, conversation_id, "hidden_through");
      if (!last)
        return std::move(last).error();
      return {};
    });
  }

  Result<std::vector<Post>> replies(Id post_id) override {
    return load_posts(
        "SELECT id FROM posts WHERE " + std::string(kLivePost) + " AND parent_id = $1", {post_id},
        PageRequest{.limit = 200, .oldest_first = true});
  }

  Result<std::int64_t> count_replies(Id post_id) override {
    return count(
        "SELECT count(*) AS n FROM posts WHERE parent_id = $1 AND " + std::string(kLivePost),
        post_id);
  }

  Result<std::int64_t> count_posts_by_author(Id author_id) override {
    return count(
        "SELECT count(*) AS n FROM posts WHERE author_id = $1 AND " + std::string(kLivePost),
        author_id);
  }

  Result<std::optional<TimePoint>> last_post_at(Id author_id) override {
    return x_.read([&]() -> Result<std::optional<TimePoint>> {
      auto rows = x_.q("SELECT max(published_at) AS t FROM posts WHERE author_id = $1 AND " +
                           std::string(kLivePost),
                       {author_id});
      return rows.front().opt_time("t");
    });
  }

  Result<std::vector<NotificationRow>> notifications(Id actor_id,
                                                     const std::vector<std::string>& types,
                                                     const PageRequest& page) override {
    return x_.read([&]() -> Result<std::vector<NotificationRow>> {
      std::string sql = notification_sql(false) +
                        " AND id NOT IN (SELECT notification_id FROM notification_dismissals WHERE "
                        "actor_id = $1) AND id > coalesce((SELECT cleared_through FROM "
                        "notification_clears WHERE actor_id = $1), 0)";
      Params params{actor_id};
      if (!types.empty()) {
        sql += " AND type IN (";
        for (std::size_t i = 0; i < types.size(); ++i) {
          params.emplace_back(types[i]);
          sql += (i > 0 ? ", " : "") + placeholder(params);
        }
        sql += ")";
      }
      paginate(sql, params, page, "id");
      std::vector<NotificationRow> out;
      for (auto row : x_.q(sql, params))
        out.push_back({row.i64("id"), row.text("type"), row.i64("from_id"), row.opt_i64("post_id"),
                       row.time("created_at")});
      return out;
    });
  }

  Result<void> dismiss_notification(Id actor_id, Id notification_id) override {
    return x_.write([&]() -> Result<void> {
      x_.q(
          "INSERT INTO notification_dismissals (actor_id, notification_id) VALUES ($1, $2) ON "
          "CONFLICT (actor_id, notification_id) DO NOTHING",
          {actor_id, notification_id});
      return {};
    });
  }

  Result<void> clear_notifications(Id actor_id) override {
    return x_.write([&]() -> Result<void> {
      // A Snowflake of now: every notification caused so far has a smaller id.
      const Id through = x_.ids.next();
      x_.q(
          "INSERT INTO notification_clears (actor_id, cleared_through) VALUES ($1, $2) ON "
          "CONFLICT (actor_id) DO UPDATE SET cleared_through = excluded.cleared_through",
          {actor_id, through});
      x_.q("DELETE FROM notification_dismissals WHERE actor_id = $1 AND notification_id <= $2",
           {actor_id, through});
      return {};
    });
  }

  Result<std::vector<std::pair<Id, NotificationRow>>> notifications_caused_by(Id row_id) override {
    return x_.read([&]() -> Result<std::vector<std::pair<Id, NotificationRow>>> {
      std::vector<std::pair<Id, NotificationRow>> out;
      for (auto row : x_.q(notification_sql(true), {row_id}))
        out.emplace_back(row.i64("recipient_id"),
                         NotificationRow{row.i64("id"), row.text("type"), row.i64("from_id"),
                                         row.opt_i64("post_id"), row.time("created_at")});
      return out;
    });
  }

  Result<std::vector<Actor>> search_actors(std::string_view text, std::size_t limit) override {
    const std::string pattern = contains_pattern(text);
    auto ids = x_.read([&]() -> Result<std::vector<Id>> {
      std::vector<Id> out;
      for (auto row :
           x_.q("SELECT id FROM actors WHERE kind IN ('person', 'group') AND deleted_at IS NULL "
                "AND suspended_at IS NULL AND (lower(handle) LIKE $1 ESCAPE '\\' OR "
                "lower(coalesce(display_name, '')) LIKE $1 ESCAPE '\\') ORDER BY (domain IS NOT "
                "NULL), lower(handle) LIMIT $2",
                {pattern, static_cast<std::int64_t>(std::clamp<std::size_t>(limit, 1, 80))}))
        out.push_back(row.i64("id"));
      return out;
    });
    if (!ids)
      return std::move(ids).error();
    std::vector<Actor> out;
    for (Id id : *ids) {
      auto actor = tx_.actors().get(id);
      if (!actor)
        return std::move(actor).error();
      out.push_back(std::move(*actor));
    }
    return out;
  }

 private:
  // The one derivation of notifications from the rows that cause them, as one UNION with the
  // filter pushed into each branch: by recipient ($1 = the actor) or by the causing row ($1 = its
  // id). Each branch names its category (kNotificationCategories) so the categories the recipient
  // turned off are left out here, for every reader (lists, counts, the streaming API).
  // CAST(NULL ...) types the empty post column for PostgreSQL.
  static std::string notification_sql(bool by_cause) {
    const auto where = [by_cause](std::string_view recipient, std::string_view id) {
      return std::string(by_cause ? id : recipient) + " = $1";
    };
    return "SELECT recipient_id, id, type, from_id, post_id, created_at FROM ("
           "SELECT p.author_id AS recipient_id, r.id AS id, 'favourite' AS type, 'reaction' AS "
           "category, r.actor_id AS from_id, r.post_id AS post_id, r.created_at AS created_at "
           "FROM reactions r JOIN posts p ON p.id = r.post_id WHERE " +
           where("p.author_id", "r.id") +
           " AND r.kind = 'like' AND r.actor_id <> p.author_id AND p.deleted_at IS NULL "
           "UNION ALL SELECT f.followee_id, f.id, CASE f.state WHEN 'accepted' THEN 'follow' ELSE "
           "'follow_request' END, 'follow', f.follower_id, CAST(NULL AS BIGINT), f.created_at "
           "FROM follows f WHERE " +
           where("f.followee_id", "f.id") +
           " UNION ALL SELECT parent.author_id, c.id, 'mention', 'reply', c.author_id, c.id, "
           "c.published_at FROM posts c JOIN posts parent ON parent.id = c.parent_id WHERE " +
           where("parent.author_id", "c.id") +
           " AND c.author_id <> parent.author_id AND c.deleted_at IS NULL AND c.removed_at IS "
           "NULL" +
           // A reply the recipient may not read (followers-only or direct, not for them) is none.
           visibility_filter("c", "= parent.author_id") +
           // A mention that is also a reply to one of the recipient's posts counts once, above.
           " UNION ALL SELECT m.actor_id, m.post_id, 'mention', 'mention', c.author_id, c.id, "
           "c.published_at FROM post_mentions m JOIN posts c ON c.id = m.post_id WHERE " +
           where("m.actor_id", "m.post_id") +
           " AND c.author_id <> m.actor_id AND c.deleted_at IS NULL AND c.removed_at IS NULL AND "
           "NOT EXISTS (SELECT 1 FROM posts parent WHERE parent.id = c.parent_id AND "
           "parent.author_id = m.actor_id)"
           " UNION ALL SELECT p.author_id, rb.id, 'reblog', 'boost', rb.actor_id, rb.post_id, "
           "rb.created_at FROM reblogs rb JOIN posts p ON p.id = rb.post_id WHERE " +
           where("p.author_id", "rb.id") +
           " AND rb.actor_id <> p.author_id AND p.deleted_at IS NULL" +
           poll_notification_sql(where) + community_notification_arms(where) +
           ") n WHERE NOT EXISTS (SELECT 1 FROM notification_opt_outs o WHERE o.actor_id = "
           "n.recipient_id AND o.category = n.category)";
  }

  // The arms of communities (client_api.hpp): decisions about a local person in the moderation
  // log (the person's own acts, like leaving, are no news to them), and reports, for the local
  // managers of a community hosted here unless they are admins, who get Mastodon's admin.report
  // for every report that reaches the instance. Reports carry no status: Mastodon's report
  // entity lists its statuses, and a removed post must not hide the report.
  static std::string community_notification_arms(const auto& where) {
    return " UNION ALL SELECT l.target_actor_id, l.id, CASE l.action WHEN 'approve_member' THEN "
           "'guildhall.join_approved' WHEN 'reject_member' THEN 'guildhall.join_rejected' WHEN "
           "'add_moderator' THEN 'guildhall.moderator_added' ELSE 'guildhall.banned' END, "
           "'membership', l.community_id, CAST(NULL AS BIGINT), l.created_at FROM moderation_log "
           "l JOIN users u ON u.actor_id = l.target_actor_id WHERE " +
           where("l.target_actor_id", "l.id") +
           " AND l.action IN ('approve_member', 'reject_member', 'add_moderator', 'ban') AND "
           "l.moderator_id <> l.target_actor_id"
           " UNION ALL SELECT m.actor_id, r.id, 'guildhall.report', 'report', r.reporter_id, "
           "CAST(NULL AS BIGINT), r.created_at FROM community_reports r JOIN actors c ON c.id = "
           "r.community_id AND c.domain IS NULL JOIN memberships m ON m.community_id = "
           "r.community_id AND m.state = 'accepted' AND m.role IN ('owner', 'moderator') JOIN "
           "users u ON u.actor_id = m.actor_id WHERE " +
           where("m.actor_id", "r.id") +
           " AND m.actor_id <> r.reporter_id AND NOT u.is_admin"
           " UNION ALL SELECT u.actor_id, r.id, 'admin.report', 'report', r.reporter_id, "
           "CAST(NULL AS BIGINT), r.created_at FROM community_reports r JOIN users u ON "
           "u.is_admin WHERE " +
           where("u.actor_id", "r.id") +
           " AND u.actor_id <> r.reporter_id AND u.disabled_at IS NULL";
  }

  // A poll that ended (PollRepo::close_ended gave it closed_id) notifies its author and everyone
  // who voted in it, from the author, as Mastodon's `poll` notification does.
  template <typename Where>
  static std::string poll_notification_sql(const Where& where) {
    return " UNION ALL SELECT p.author_id, pl.closed_id, 'poll', 'poll', p.author_id, p.id, "
           "pl.end_time FROM polls pl JOIN posts p ON p.id = pl.post_id WHERE " +
           where("p.author_id", "pl.closed_id") +
           " AND pl.closed_id IS NOT NULL AND p.deleted_at IS NULL"
           // One row per voter however many options they chose (GROUP BY, so the recipient
           // filter stays on poll_votes and its actor index).
           " UNION ALL SELECT v.actor_id, pl.closed_id, 'poll', 'poll', p.author_id, p.id, "
           "pl.end_time FROM polls pl JOIN posts p ON p.id = pl.post_id JOIN poll_votes v ON "
           "v.post_id = pl.post_id WHERE " +
           where("v.actor_id", "pl.closed_id") +
           " AND pl.closed_id IS NOT NULL AND v.actor_id <> p.author_id AND p.deleted_at IS NULL "
           "GROUP BY v.actor_id, pl.closed_id, p.author_id, p.id, pl.end_time";
  }

  // Booleans are bound, not spelled: SQLite stores 0/1, PostgreSQL a BOOLEAN.
  // The Reader rule (client_api.hpp) as a condition on the posts table (or its alias).
  static std::string readable_filter(const Reader& reader, Params& params,
                                     std::string_view posts = "posts") {
    std::string reader_placeholder;
    if (reader.actor_id) {
      params.emplace_back(*reader.actor_id);
      reader_placeholder = placeholder(params);
    }
    return readable_filter(reader, posts, reader_placeholder);
  }
  static std::string readable_filter(const Reader& reader, std::string_view posts,
                                     std::string_view reader_placeholder) {
    // Admins see every community's posts, never other people's followers-only or direct ones.
    std::string sql = visibility_filter(
        posts, reader.actor_id ? "= " + std::string(reader_placeholder) : std::string());
    if (reader.admin)
      return sql;
    const std::string community = std::string(posts) + ".community_id";
    sql += " AND (" + community + " IS NULL OR " + community +
           " IN (SELECT actor_id FROM communities WHERE visibility " +
           (reader.actor_id ? "<> 'private'" : "= 'public'") + ")";
    if (reader.actor_id)
      sql += " OR " + community +
             " IN (SELECT community_id FROM memberships WHERE state = 'accepted' AND actor_id = " +
             std::string(reader_placeholder) + ")";
    return sql + ")";
  }
  // The visibility part of the rule for the readers whose actor id satisfies `reader_match` (an
  // SQL "= $n" or "IN (...)"; empty: nobody signed in): public and unlisted posts for everyone,
  // the others for their author and the people they mention or address, private ones also for
  // the author's accepted followers.
  static std::string visibility_filter(std::string_view posts, const std::string& reader_match) {
    const std::string p(posts);
    std::string sql = " AND (" + p + ".visibility IN ('public', 'unlisted')";
    if (!reader_match.empty())
      sql +=
          " OR " + p + ".author_id " + reader_match +
          " OR EXISTS (SELECT 1 FROM post_mentions vm WHERE vm.post_id = " + p +
          ".id AND vm.actor_id " + reader_match + ") OR (" + p +
          ".visibility = 'private' AND EXISTS (SELECT 1 FROM follows vf WHERE vf.followee_id = " +
          p + ".author_id AND vf.state = 'accepted' AND vf.follower_id " + reader_match + "))";
    return sql + ")";
  }

  // Live direct posts (alias p) that the actor $1 wrote or is addressed by: its conversations.
  static constexpr const char* kDirectTo1 =
      "p.visibility = 'direct' AND p.deleted_at IS NULL AND p.removed_at IS NULL AND "
      "(p.author_id = $1 OR EXISTS (SELECT 1 FROM post_mentions cm1 WHERE cm1.post_id = p.id AND "
      "cm1.actor_id = $1))";

  Result<Id> last_direct_post(Id actor_id, Id thread_id) {
    auto rows = x_.q(
        "SELECT max(p.id) AS id FROM posts p WHERE p.thread_id = $2 AND " + std::string(kDirectTo1),
        {actor_id, thread_id});
    if (rows.empty() || !rows.front().opt_i64("id"))
      return not_found("Record not found");
    return *rows.front().opt_i64("id");
  }

  // Moves one mark of the actor's conversation (read_through or hidden_through) to its last post,
  // which it returns.
  Result<Id> mark_conversation(Id actor_id, Id thread_id, std::string_view mark) {
    auto last = last_direct_post(actor_id, thread_id);
    if (!last)
      return last;
    const std::string column(mark);
    x_.q("INSERT INTO conversation_marks (actor_id, thread_id, " + column +
             ") VALUES ($1, $2, $3) ON CONFLICT (actor_id, thread_id) DO UPDATE SET " + column +
             " = excluded." + column,
         {actor_id, thread_id, *last});
    return last;
  }

  // One conversation ending at last_post_id: its participants, and whether that post is someone
  // else's (unread unless marked; the caller compares with the mark).
  Conversation conversation(Id actor_id, Id thread_id, Id last_post_id) {
    Conversation c{.id = thread_id, .last_post_id = last_post_id, .unread = false};
    for (auto row : x_.q("SELECT DISTINCT actor_id FROM (SELECT p.author_id AS actor_id FROM posts "
                         "p WHERE p.thread_id = $2 AND " +
                             std::string(kDirectTo1) +
                             " UNION SELECT m.actor_id FROM post_mentions m JOIN posts p ON p.id = "
                             "m.post_id WHERE p.thread_id = $2 AND " +
                             std::string(kDirectTo1) + ") x WHERE actor_id <> $1 ORDER BY actor_id",
                         {actor_id, thread_id}))
      c.participants.push_back(row.i64("actor_id"));
    auto author = x_.q("SELECT author_id FROM posts WHERE id = $1", {last_post_id});
    c.unread = !author.empty() && author.front().i64("author_id") != actor_id;
    return c;
  }

  static std::string scope_filter(PublicScope scope, Params& params) {
    if (scope == PublicScope::all)
      return {};
    params.emplace_back(scope == PublicScope::local);
    return " AND is_local = " + placeholder(params);
  }

  // (row id, post id) pairs of a per-actor list, paged by the row id.
  Result<std::vector<std::pair<Id, Id>>> post_pairs(std::string sql, Id actor_id,
                                                    const PageRequest& page) {
    return x_.read([&]() -> Result<std::vector<std::pair<Id, Id>>> {
      Params params{actor_id};
      paginate(sql, params, page, "id");
      std::vector<std::pair<Id, Id>> out;
      for (auto row : x_.q(sql, params))
        out.emplace_back(row.i64("id"), row.i64("post_id"));
      return out;
    });
  }

  Result<Reblog> one_reblog(std::string_view sql, const Params& params) {
    auto rows = x_.q(sql, params);
    if (rows.empty())
      return not_found("no such boost");
    return reblog_from(rows.front());
  }

  Result<std::int64_t> count(const std::string& sql, Id id) {
    return x_.read([&]() -> Result<std::int64_t> { return x_.q(sql, {id}).front().i64("n"); });
  }

  Result<std::vector<Post>> load_posts(std::string sql, Params params, const PageRequest& page) {
    auto ids = x_.read([&]() -> Result<std::vector<Id>> {
      paginate(sql, params, page, "id");
      std::vector<Id> out;
      for (auto row : x_.q(sql, params))
        out.push_back(row.i64("id"));
      return out;
    });
    if (!ids)
      return std::move(ids).error();
    std::vector<Post> out;
    out.reserve(ids->size());
    for (Id id : *ids) {
      auto post = tx_.posts().get(id);
      if (!post)
        return std::move(post).error();
      out.push_back(std::move(*post));
    }
    return out;
  }

  RepoContext x_;
  Tx& tx_;
};

}  // namespace

std::unique_ptr<OAuthRepo> make_oauth_repo(const RepoContext& context) {
  return std::make_unique<OAuthRepoImpl>(context);
}

std::unique_ptr<ClientApiRepo> make_client_api_repo(const RepoContext& context, Tx& tx) {
  return std::make_unique<ClientApiRepoImpl>(context, tx);
}

}  // namespace guildhall::storage::detail
