// The repositories, written once against the driver interface. Queries use only SQL that SQLite
// (3.35+) and PostgreSQL share: $N placeholders, RETURNING, ON CONFLICT, partial indexes.
// Parameters never appear untyped where PostgreSQL could not infer a type (no "$1 IS NULL").

#include <algorithm>
#include <map>

#include "client_api_impl.hpp"
#include "community_content_impl.hpp"
#include "community_log_impl.hpp"
#include "community_queries_impl.hpp"
#include "federation_queue_impl.hpp"
#include "media_impl.hpp"
#include "repo_context.hpp"
#include "repositories_impl.hpp"

namespace guildhall::storage::detail {

namespace {

using driver::Connection;
using driver::DriverError;
using driver::Param;
using driver::Params;
using driver::Row;
using driver::Rows;

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return out;
}

template <typename E>
E enum_column(const Row& row, std::string_view column) {
  E value{};
  if (!parse(row.text(column), value))
    throw DriverError(
        core::Error::internal("storage: unexpected value in column " + std::string(column)));
  return value;
}

std::string join_languages(const std::vector<std::string>& languages) {
  std::string out;
  for (const auto& l : languages) {
    if (l.empty() || l.find(' ') != std::string::npos)
      throw DriverError(core::Error::invalid_input("invalid language tag"));
    if (!out.empty())
      out += ' ';
    out += l;
  }
  return out;
}

std::vector<std::string> split_languages(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos)
      end = text.size();
    if (end > start)
      out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// Collects "col = $n" pairs for an UPDATE of the fields a form sets.
class SetList {
 public:
  void add(std::string_view column, Param value) {
    params_.push_back(std::move(value));
    if (!sets_.empty())
      sets_ += ", ";
    sets_ += std::string(column) + " = " + placeholder(params_);
  }
  template <typename T>
  void set(std::string_view column, const std::optional<T>& value) {
    if (value)
      add(column, Param(*value));
  }
  template <typename T>
  void set(std::string_view column, const Nullable<T>& value) {
    if (value)
      add(column, Param(*value));  // an empty inner optional binds NULL
  }
  template <typename E>
  void set_enum(std::string_view column, const std::optional<E>& value) {
    if (value)
      add(column, Param(to_string(*value)));
  }
  bool empty() const noexcept { return sets_.empty(); }
  // "UPDATE table SET ... WHERE key = $n RETURNING *"
  std::pair<std::string, Params> sql(std::string_view table, std::string_view key, Id id) const {
    Params params = params_;
    params.emplace_back(id);
    return {"UPDATE " + std::string(table) + " SET " + sets_ + " WHERE " + std::string(key) +
                " = " + placeholder(params) + " RETURNING *",
            std::move(params)};
  }

 private:
  std::string sets_;
  Params params_;
};

using Ctx = RepoContext;

// ---------------------------------------------------------------------------------------------
// row mappers

Instance instance_from(const Row& r) {
  Instance i;
  i.id = r.i64("id");
  i.host = r.text("host");
  i.is_local = r.boolean("is_local");
  i.software_name = r.opt_text("software_name");
  i.software_version = r.opt_text("software_version");
  i.policy = enum_column<FederationPolicy>(r, "policy");
  i.first_seen_at = r.time("first_seen_at");
  i.updated_at = r.time("updated_at");
  return i;
}

Actor actor_from(const Row& r) {
  Actor a;
  a.id = r.i64("id");
  a.ap_id = r.text("ap_id");
  a.kind = enum_column<ActorKind>(r, "kind");
  a.handle = r.text("handle");
  a.domain = r.opt_text("domain");
  a.display_name = r.opt_text("display_name");
  a.summary_html = r.opt_text("summary_html");
  a.summary_source = r.opt_text("summary_source");
  a.url = r.opt_text("url");
  a.inbox_url = r.text("inbox_url");
  a.shared_inbox_url = r.opt_text("shared_inbox_url");
  a.outbox_url = r.opt_text("outbox_url");
  a.followers_url = r.opt_text("followers_url");
  a.following_url = r.opt_text("following_url");
  a.featured_url = r.opt_text("featured_url");
  a.moderators_url = r.opt_text("moderators_url");
  a.icon_url = r.opt_text("icon_url");
  a.header_url = r.opt_text("header_url");
  a.manually_approves_followers = r.boolean("manually_approves_followers");
  a.public_key_id = r.opt_text("public_key_id");
  a.public_key_pem = r.opt_text("public_key_pem");
  a.private_key_pem = r.opt_text("private_key_pem");
  a.created_at = r.time("created_at");
  a.updated_at = r.time("updated_at");
  a.fetched_at = r.opt_time("fetched_at");
  a.deleted_at = r.opt_time("deleted_at");
  a.suspended_at = r.opt_time("suspended_at");
  return a;
}

constexpr std::string_view kUserSelect =
    "SELECT a.*, u.email, u.password_hash, u.is_admin, u.locale, u.created_at AS u_created_at, "
    "u.disabled_at FROM users u JOIN actors a ON a.id = u.actor_id";

LocalUser user_from(const Row& r) {
  LocalUser out;
  out.actor = actor_from(r);
  out.user.actor_id = out.actor.id;
  out.user.email = r.opt_text("email");
  out.user.password_hash = r.text("password_hash");
  out.user.is_admin = r.boolean("is_admin");
  out.user.locale = r.text("locale");
  out.user.created_at = r.time("u_created_at");
  out.user.disabled_at = r.opt_time("disabled_at");
  return out;
}

constexpr std::string_view kCommunitySelect =
    "SELECT a.*, c.description_source, c.description_html, c.welcome_source, c.welcome_html, "
    "c.visibility, c.join_policy, c.posting_policy, c.languages, c.created_at AS c_created_at, "
    "c.updated_at AS c_updated_at, (SELECT count(*) FROM memberships m WHERE m.community_id = "
    "c.actor_id AND m.state = 'accepted') AS member_count FROM communities c JOIN actors a ON "
    "a.id = c.actor_id";

CommunityView community_from(const Row& r) {
  CommunityView v;
  v.actor = actor_from(r);
  Community& c = v.community;
  c.actor_id = v.actor.id;
  c.description_source = r.text("description_source");
  c.description_html = r.text("description_html");
  c.welcome_source = r.text("welcome_source");
  c.welcome_html = r.text("welcome_html");
  c.visibility = enum_column<CommunityVisibility>(r, "visibility");
  c.join_policy = enum_column<JoinPolicy>(r, "join_policy");
  c.posting_policy = enum_column<PostingPolicy>(r, "posting_policy");
  c.languages = split_languages(r.text("languages"));
  c.created_at = r.time("c_created_at");
  c.updated_at = r.time("c_updated_at");
  v.member_count = r.i64("member_count");
  return v;
}

Membership membership_from(const Row& r) {
  Membership m;
  m.id = r.i64("id");
  m.community_id = r.i64("community_id");
  m.actor_id = r.i64("actor_id");
  m.role = enum_column<MemberRole>(r, "role");
  m.state = enum_column<MemberState>(r, "state");
  m.ban_reason = r.opt_text("ban_reason");
  m.ban_expires_at = r.opt_time("ban_expires_at");
  m.follow_ap_id = r.opt_text("follow_ap_id");
  m.created_at = r.time("created_at");
  m.updated_at = r.time("updated_at");
  return m;
}

Follow follow_from(const Row& r) {
  Follow f;
  f.id = r.i64("id");
  f.follower_id = r.i64("follower_id");
  f.followee_id = r.i64("followee_id");
  f.state = enum_column<FollowState>(r, "state");
  f.ap_id = r.opt_text("ap_id");
  f.created_at = r.time("created_at");
  f.updated_at = r.time("updated_at");
  return f;
}

Post post_from(const Row& r) {
  Post p;
  p.id = r.i64("id");
  p.ap_id = r.text("ap_id");
  p.author_id = r.i64("author_id");
  p.community_id = r.opt_i64("community_id");
  p.thread_id = r.i64("thread_id");
  p.parent_id = r.opt_i64("parent_id");
  p.title = r.opt_text("title");
  p.content_source = r.opt_text("content_source");
  p.content_html = r.text("content_html");
  p.summary = r.opt_text("summary");
  p.language = r.opt_text("language");
  p.sensitive = r.boolean("sensitive");
  p.url = r.opt_text("url");
  p.context_url = r.opt_text("context_url");
  p.link_url = r.opt_text("link_url");
  p.is_local = r.boolean("is_local");
  p.is_question = r.boolean("is_question");
  p.accepted_answer_id = r.opt_i64("accepted_answer_id");
  p.locked = r.boolean("locked");
  p.pinned = r.boolean("pinned");
  p.visibility = enum_column<PostVisibility>(r, "visibility");
  p.published_at = r.time("published_at");
  p.updated_at = r.opt_time("updated_at");
  p.deleted_at = r.opt_time("deleted_at");
  p.removed_at = r.opt_time("removed_at");
  return p;
}

Attachment attachment_from(const Row& r) {
  Attachment a;
  a.position = static_cast<int>(r.i64("position"));
  a.url = r.text("url");
  a.media_type = r.opt_text("media_type");
  a.description = r.opt_text("description");
  if (auto w = r.opt_i64("width"))
    a.width = static_cast<int>(*w);
  if (auto h = r.opt_i64("height"))
    a.height = static_cast<int>(*h);
  a.blurhash = r.opt_text("blurhash");
  a.preview_url = r.opt_text("preview_url");
  a.focus_x = r.opt_f64("focus_x");
  a.focus_y = r.opt_f64("focus_y");
  a.media_id = r.opt_i64("media_id");
  return a;
}

Reaction reaction_from(const Row& r) {
  Reaction x;
  x.id = r.i64("id");
  x.post_id = r.i64("post_id");
  x.actor_id = r.i64("actor_id");
  x.kind = enum_column<ReactionKind>(r, "kind");
  x.emoji = r.text("emoji");
  x.emoji_icon_url = r.opt_text("emoji_icon_url");
  x.ap_id = r.opt_text("ap_id");
  x.created_at = r.time("created_at");
  return x;
}

template <typename T, typename F>
std::vector<T> map_rows(const Rows& rows, F&& f) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (auto row : rows)
    out.push_back(f(row));
  return out;
}

template <typename T, typename F>
Result<T> one(const Rows& rows, F&& f, std::string_view what) {
  if (rows.empty())
    return core::Error::not_found(std::string(what) + " not found");
  return f(rows.front());
}

// ---------------------------------------------------------------------------------------------
// instances

class InstanceRepoImpl final : public InstanceRepo {
 public:
  explicit InstanceRepoImpl(Ctx& x) : x_(x) {}

  Result<Instance> ensure(std::string_view host) override {
    return x_.write([&]() -> Result<Instance> { return ensure_row(host); });
  }

  Result<Instance> ensure_local(std::string_view host) override {
    return x_.write([&]() -> Result<Instance> {
      auto row = ensure_row(host);
      if (!row.ok() || row->is_local)
        return row;
      return one<Instance>(
          x_.q("UPDATE instances SET is_local = $1, updated_at = $2 WHERE id = $3 RETURNING *",
               {true, x_.now(), row->id}),
          instance_from, "instance");
    });
  }

  Result<Instance> get(Id id) override {
    return x_.read([&] {
      return one<Instance>(x_.q("SELECT * FROM instances WHERE id = $1", {id}), instance_from,
                           "instance");
    });
  }

  Result<Instance> get_by_host(std::string_view host) override {
    return x_.read([&] {
      return one<Instance>(x_.q("SELECT * FROM instances WHERE host = $1", {ascii_lower(host)}),
                           instance_from, "instance");
    });
  }

  Result<std::vector<Instance>> list(const PageRequest& page) override {
    return x_.read([&]() -> Result<std::vector<Instance>> {
      std::string sql = "SELECT * FROM instances WHERE 1 = 1";
      Params params;
      paginate(sql, params, page, "id");
      return map_rows<Instance>(x_.q(sql, params), instance_from);
    });
  }

  Result<Instance> set_policy(std::string_view host, FederationPolicy policy) override {
    return x_.write([&]() -> Result<Instance> {
      auto row = ensure_row(host);
      if (!row.ok())
        return row;
      return one<Instance>(
          x_.q("UPDATE instances SET policy = $1, updated_at = $2 WHERE id = $3 RETURNING *",
               {to_string(policy), x_.now(), row->id}),
          instance_from, "instance");
    });
  }

  Result<Instance> set_software(std::string_view host, std::optional<std::string> name,
                                std::optional<std::string> version) override {
    return x_.write([&]() -> Result<Instance> {
      auto row = ensure_row(host);
      if (!row.ok())
        return row;
      return one<Instance>(x_.q("UPDATE instances SET software_name = $1, software_version = $2, "
                                "updated_at = $3 WHERE id = $4 RETURNING *",
                                {name, version, x_.now(), row->id}),
                           instance_from, "instance");
    });
  }

  // Not guarded: callers run it inside their own write().
  Result<Instance> ensure_row(std::string_view host) {
    const std::string h = ascii_lower(host);
    if (h.empty())
      return core::Error::invalid_input("instance host must not be empty");
    const TimePoint now = x_.now();
    x_.q(
        "INSERT INTO instances (id, host, is_local, policy, first_seen_at, updated_at) "
        "VALUES ($1, $2, $3, 'none', $4, $4) ON CONFLICT (host) DO NOTHING",
        {x_.ids.next(), h, false, now});
    return one<Instance>(x_.q("SELECT * FROM instances WHERE host = $1", {h}), instance_from,
                         "instance");
  }

 private:
  Ctx& x_;
};

// ---------------------------------------------------------------------------------------------
// actors

class ActorRepoImpl final : public ActorRepo {
 public:
  ActorRepoImpl(Ctx& x, InstanceRepoImpl& instances) : x_(x), instances_(instances) {}

  Result<Actor> create_local(ActorKind kind, const NewLocalActor& actor) override {
    return x_.write([&]() -> Result<Actor> { return insert_local(kind, actor); });
  }

  Result<Actor> upsert_remote(const RemoteActorForm& form) override {
    return x_.write([&]() -> Result<Actor> { return upsert_remote_row(form); });
  }

  Result<Actor> get(Id id) override {
    return x_.read([&] {
      return one<Actor>(x_.q("SELECT * FROM actors WHERE id = $1", {id}), actor_from, "actor");
    });
  }

  Result<Actor> get_by_ap_id(std::string_view ap_id) override {
    return x_.read([&] {
      return one<Actor>(x_.q("SELECT * FROM actors WHERE ap_id = $1", {ap_id}), actor_from,
                        "actor");
    });
  }

  Result<std::vector<Actor>> list_by_public_key_id(std::string_view key_id) override {
    return x_.read([&]() -> Result<std::vector<Actor>> {
      std::vector<Actor> out;
      for (auto row :
           x_.q("SELECT * FROM actors WHERE public_key_id = $1 ORDER BY id LIMIT 8", {key_id}))
        out.push_back(actor_from(row));
      return out;
    });
  }

  Result<void> replace_multikeys(Id actor_id, const std::vector<ActorMultikey>& keys) override {
    return x_.write([&]() -> Result<void> {
      x_.q("DELETE FROM actor_multikeys WHERE actor_id = $1", {actor_id});
      const TimePoint now = x_.now();
      for (const ActorMultikey& key : keys)
        x_.q(
            "INSERT INTO actor_multikeys (actor_id, key_id, public_key_multibase, created_at) "
            "VALUES ($1, $2, $3, $4) ON CONFLICT (actor_id, key_id) DO NOTHING",
            {actor_id, key.key_id, key.public_key_multibase, now});
      return {};
    });
  }

  Result<std::vector<ActorMultikey>> list_multikeys(std::string_view key_id) override {
    return x_.read([&]() -> Result<std::vector<ActorMultikey>> {
      std::vector<ActorMultikey> out;
      for (auto row : x_.q("SELECT actor_id, key_id, public_key_multibase FROM actor_multikeys "
                           "WHERE key_id = $1 ORDER BY actor_id LIMIT 8",
                           {key_id}))
        out.push_back({row.i64("actor_id"), row.text("key_id"), row.text("public_key_multibase")});
      return out;
    });
  }

  Result<Actor> get_by_handle(std::string_view handle,
                              std::optional<std::string_view> domain) override {
    if (!domain)
      return get_local_by_handle(handle);
    return x_.read([&] {
      return one<Actor>(x_.q("SELECT * FROM actors WHERE domain = $1 AND lower(handle) = $2",
                             {ascii_lower(*domain), ascii_lower(handle)}),
                        actor_from, "actor");
    });
  }

  Result<Actor> get_local_by_handle(std::string_view handle) override {
    return x_.read([&] {
      return one<Actor>(x_.q("SELECT * FROM actors WHERE domain IS NULL AND lower(handle) = $1",
                             {ascii_lower(handle)}),
                        actor_from, "actor");
    });
  }

  Result<bool> local_handle_taken(std::string_view handle) override {
    return x_.read([&]() -> Result<bool> {
      return x_.q("SELECT count(*) AS n FROM actors WHERE domain IS NULL AND lower(handle) = $1",
                  {ascii_lower(handle)})
                 .front()
                 .i64("n") > 0;
    });
  }

  Result<Actor> update(Id id, const ActorUpdate& u) override {
    return x_.write([&]() -> Result<Actor> { return update_row(id, u); });
  }

  // Unguarded building blocks for users and communities.
  Result<Actor> insert_local(ActorKind kind, const NewLocalActor& a) {
    const TimePoint now = x_.now();
    return one<Actor>(
        x_.q("INSERT INTO actors (id, ap_id, kind, handle, domain, display_name, summary_html, "
             "summary_source, url, inbox_url, shared_inbox_url, outbox_url, followers_url, "
             "following_url, featured_url, moderators_url, icon_url, manually_approves_followers, "
             "public_key_id, public_key_pem, private_key_pem, created_at, updated_at) VALUES ($1, "
             "$2, $3, $4, NULL, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, "
             "$19, $20, $21, $21) RETURNING *",
             {x_.ids.next(),
              a.ap_id,
              to_string(kind),
              a.handle,
              a.display_name,
              a.summary_html,
              a.summary_source,
              a.url,
              a.inbox_url,
              a.shared_inbox_url,
              a.outbox_url,
              a.followers_url,
              a.following_url,
              a.featured_url,
              a.moderators_url,
              a.icon_url,
              a.manually_approves_followers,
              a.public_key_id,
              a.public_key_pem,
              a.private_key_pem,
              now}),
        actor_from, "actor");
  }

  Result<Actor> upsert_remote_row(const RemoteActorForm& f) {
    auto instance = instances_.ensure_row(f.domain);
    if (!instance.ok())
      return std::move(instance).error();
    const TimePoint now = x_.now();
    auto rows = x_.q(
        "INSERT INTO actors (id, ap_id, kind, handle, domain, display_name, summary_html, url, "
        "inbox_url, shared_inbox_url, outbox_url, followers_url, following_url, featured_url, "
        "moderators_url, icon_url, manually_approves_followers, public_key_id, public_key_pem, "
        "created_at, updated_at, fetched_at, header_url) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
        "$9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20, $20, $21) ON CONFLICT "
        "(ap_id) DO "
        "UPDATE SET kind = excluded.kind, handle = excluded.handle, domain = excluded.domain, "
        "display_name = excluded.display_name, summary_html = excluded.summary_html, url = "
        "excluded.url, inbox_url = excluded.inbox_url, shared_inbox_url = "
        "excluded.shared_inbox_url, outbox_url = excluded.outbox_url, followers_url = "
        "excluded.followers_url, following_url = excluded.following_url, featured_url = "
        "excluded.featured_url, moderators_url = excluded.moderators_url, icon_url = "
        "excluded.icon_url, header_url = excluded.header_url, manually_approves_followers = "
        "excluded.manually_approves_followers, "
        "public_key_id = excluded.public_key_id, public_key_pem = excluded.public_key_pem, "
        "updated_at = excluded.updated_at, fetched_at = excluded.fetched_at WHERE actors.domain "
        "IS NOT NULL RETURNING *",
        {x_.ids.next(),
         f.ap_id,
         to_string(f.kind),
         f.handle,
         instance->host,
         f.display_name,
         f.summary_html,
         f.url,
         f.inbox_url,
         f.shared_inbox_url,
         f.outbox_url,
         f.followers_url,
         f.following_url,
         f.featured_url,
         f.moderators_url,
         f.icon_url,
         f.manually_approves_followers,
         f.public_key_id,
         f.public_key_pem,
         now,
         f.header_url});
    if (rows.empty())
      return core::Error::conflict("this ActivityPub id belongs to a local actor");
    return actor_from(rows.front());
  }

  Result<Actor> update_row(Id id, const ActorUpdate& u) {
    SetList s;
    s.set("display_name", u.display_name);
    s.set("summary_html", u.summary_html);
    s.set("summary_source", u.summary_source);
    s.set("icon_url", u.icon_url);
    s.set("header_url", u.header_url);
    s.set("manually_approves_followers", u.manually_approves_followers);
    s.set("public_key_id", u.public_key_id);
    s.set("public_key_pem", u.public_key_pem);
    s.set("private_key_pem", u.private_key_pem);
    s.set("suspended_at", u.suspended_at);
    s.set("deleted_at", u.deleted_at);
    s.add("updated_at", x_.now());
    auto [sql, params] = s.sql("actors", "id", id);
    return one<Actor>(x_.q(sql, params), actor_from, "actor");
  }

 private:
  Ctx& x_;
  InstanceRepoImpl& instances_;
};

// ---------------------------------------------------------------------------------------------
// instance settings

InstanceSettings settings_from(const Row& r) {
  InstanceSettings out;
  out.title = r.opt_text("title");
  out.description = r.opt_text("description");
  out.contact_email = r.opt_text("contact_email");
  out.registrations = r.opt_text("registrations");
  out.federation_mode = r.opt_text("federation_mode");
  out.updated_at = r.time("updated_at");
  out.updated_by = r.opt_i64("updated_by");
  return out;
}

class InstanceSettingsRepoImpl final : public InstanceSettingsRepo {
 public:
  explicit InstanceSettingsRepoImpl(Ctx& x) : x_(x) {}

  Result<InstanceSettings> get() override {
    return x_.read([&]() -> Result<InstanceSettings> {
      auto rows = x_.q("SELECT * FROM instance_settings WHERE id = 1");
      if (rows.empty())
        return InstanceSettings{};
      return settings_from(rows.front());
    });
  }

  Result<InstanceSettings> update(const InstanceSettingsUpdate& u, std::optional<Id> by) override {
    return x_.write([&]() -> Result<InstanceSettings> {
      x_.q(
          "INSERT INTO instance_settings (id, updated_at) VALUES (1, $1) ON CONFLICT (id) DO "
          "NOTHING",
          {x_.now()});
      SetList s;
      s.set("title", u.title);
      s.set("description", u.description);
      s.set("contact_email", u.contact_email);
      s.set("registrations", u.registrations);
      s.set("federation_mode", u.federation_mode);
      s.add("updated_at", x_.now());
      s.add("updated_by", by);
      auto [sql, params] = s.sql("instance_settings", "id", 1);
      return settings_from(x_.q(sql, params).front());
    });
  }

 private:
  Ctx& x_;
};

// ---------------------------------------------------------------------------------------------
// users

class UserRepoImpl final : public UserRepo {
 public:
  UserRepoImpl(Ctx& x, ActorRepoImpl& actors) : x_(x), actors_(actors) {}

  Result<LocalUser> create(const NewUser& n) override {
    return x_.write([&]() -> Result<LocalUser> {
      auto actor = actors_.insert_local(ActorKind::person, n.actor);
      if (!actor.ok())
        return std::move(actor).error();
      x_.q(
          "INSERT INTO users (actor_id, email, password_hash, is_admin, locale, created_at) "
          "VALUES ($1, $2, $3, $4, $5, $6)",
          {actor->id, n.email, n.password_hash, n.is_admin, n.locale, actor->created_at});
      return fetch(actor->id);
    });
  }

  Result<LocalUser> get(Id actor_id) override {
    return x_.read([&] { return fetch(actor_id); });
  }

  Result<LocalUser> get_by_handle(std::string_view handle) override {
    return x_.read([&] {
      return one<LocalUser>(
          x_.q(std::string(kUserSelect) + " WHERE a.domain IS NULL AND lower(a.handle) = $1",
               {ascii_lower(handle)}),
          user_from, "user");
    });
  }

  Result<LocalUser> get_by_email(std::string_view email) override {
    return x_.read([&] {
      return one<LocalUser>(
          x_.q(std::string(kUserSelect) + " WHERE lower(u.email) = $1", {ascii_lower(email)}),
          user_from, "user");
    });
  }

  Result<std::vector<LocalUser>> list(const PageRequest& page) override { return search({}, page); }

  Result<std::vector<LocalUser>> search(const UserQuery& query, const PageRequest& page) override {
    return x_.read([&]() -> Result<std::vector<LocalUser>> {
      std::string sql = std::string(kUserSelect) + " WHERE 1 = 1";
      Params params;
      if (!query.handle_contains.empty()) {
        params.emplace_back(contains_pattern(query.handle_contains));
        sql += " AND lower(a.handle) LIKE " + placeholder(params) + " ESCAPE '\\'";
      }
      switch (query.state) {
        case UserQuery::State::any:
          break;
        case UserQuery::State::active:
          sql += " AND u.disabled_at IS NULL AND a.suspended_at IS NULL";
          break;
        case UserQuery::State::disabled:
          sql += " AND u.disabled_at IS NOT NULL";
          break;
        case UserQuery::State::suspended:
          sql += " AND a.suspended_at IS NOT NULL";
          break;
      }
      paginate(sql, params, page, "a.id");
      return map_rows<LocalUser>(x_.q(sql, params), user_from);
    });
  }

  Result<std::int64_t> count() override {
    return x_.read([&]() -> Result<std::int64_t> {
      return x_.q("SELECT count(*) AS n FROM users").front().i64("n");
    });
  }

  Result<LocalUser> update(Id actor_id, const UserUpdate& u) override {
    return x_.write([&]() -> Result<LocalUser> {
      SetList s;
      s.set("email", u.email);
      s.set("password_hash", u.password_hash);
      s.set("is_admin", u.is_admin);
      s.set("locale", u.locale);
      s.set("disabled_at", u.disabled_at);
      if (!s.empty()) {
        auto [sql, params] = s.sql("users", "actor_id", actor_id);
        if (x_.q(sql, params).empty())
          return core::Error::not_found("user not found");
      }
      return fetch(actor_id);
    });
  }

 private:
  Result<LocalUser> fetch(Id actor_id) {
    return one<LocalUser>(x_.q(std::string(kUserSelect) + " WHERE a.id = $1", {actor_id}),
                          user_from, "user");
  }

  Ctx& x_;
  ActorRepoImpl& actors_;
};

// ---------------------------------------------------------------------------------------------
// memberships

class MembershipRepoImpl final : public MembershipRepo {
 public:
  explicit MembershipRepoImpl(Ctx& x) : x_(x) {}

  Result<Membership> create(const MembershipForm& f) override {
    return x_.write([&]() -> Result<Membership> { return insert(f); });
  }

  Result<Membership> upsert(const MembershipForm& f) override {
    return x_.write([&]() -> Result<Membership> {
      const TimePoint now = x_.now();
      return one<Membership>(
          x_.q("INSERT INTO memberships (id, community_id, actor_id, role, state, follow_ap_id, "
               "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT "
               "(community_id, actor_id) DO UPDATE SET state = excluded.state, follow_ap_id = "
               "coalesce(excluded.follow_ap_id, memberships.follow_ap_id), updated_at = "
               "excluded.updated_at RETURNING *",
               {x_.ids.next(), f.community_id, f.actor_id, to_string(f.role), to_string(f.state),
                f.follow_ap_id, now}),
          membership_from, "membership");
    });
  }

  Result<Membership> get(Id community_id, Id actor_id) override {
    return x_.read([&] {
      return one<Membership>(
          x_.q("SELECT * FROM memberships WHERE community_id = $1 AND actor_id = $2",
               {community_id, actor_id}),
          membership_from, "membership");
    });
  }

  Result<Membership> get_by_follow_ap_id(std::string_view follow_ap_id) override {
    return x_.read([&] {
      return one<Membership>(
          x_.q("SELECT * FROM memberships WHERE follow_ap_id = $1", {follow_ap_id}),
          membership_from, "membership");
    });
  }

  Result<Membership> set_state(Id community_id, Id actor_id, MemberState state,
                               std::optional<std::string> ban_reason,
                               std::optional<TimePoint> ban_expires_at) override {
    return x_.write([&]() -> Result<Membership> {
      if (state != MemberState::banned) {
        ban_reason.reset();
        ban_expires_at.reset();
      }
      return one<Membership>(
          x_.q("UPDATE memberships SET state = $1, ban_reason = $2, ban_expires_at = $3, "
               "updated_at = $4 WHERE community_id = $5 AND actor_id = $6 RETURNING *",
               {to_string(state), ban_reason, ban_expires_at, x_.now(), community_id, actor_id}),
          membership_from, "membership");
    });
  }

  Result<Membership> set_role(Id community_id, Id actor_id, MemberRole role) override {
    return x_.write([&]() -> Result<Membership> {
      return one<Membership>(
          x_.q("UPDATE memberships SET role = $1, updated_at = $2 WHERE community_id = $3 AND "
               "actor_id = $4 RETURNING *",
               {to_string(role), x_.now(), community_id, actor_id}),
          membership_from, "membership");
    });
  }

  Result<void> remove(Id community_id, Id actor_id) override {
    return x_.write([&]() -> Result<void> {
      if (x_.q("DELETE FROM memberships WHERE community_id = $1 AND actor_id = $2 RETURNING id",
               {community_id, actor_id})
              .empty())
        return core::Error::not_found("membership not found");
      return {};
    });
  }

  Result<std::vector<Membership>> list(Id community_id, std::optional<MemberState> state,
                                       const PageRequest& page) override {
    return list_by("community_id", community_id, state, page);
  }

  Result<std::vector<Membership>> list_for_actor(Id actor_id, std::optional<MemberState> state,
                                                 const PageRequest& page) override {
    return list_by("actor_id", actor_id, state, page);
  }

  Result<std::int64_t> count(Id community_id, MemberState state) override {
    return x_.read([&]() -> Result<std::int64_t> {
      return x_
          .q("SELECT count(*) AS n FROM memberships WHERE community_id = $1 AND state = $2",
             {community_id, to_string(state)})
          .front()
          .i64("n");
    });
  }

  Result<bool> has_member_on(Id community_id, std::string_view domain) override {
    return x_.read([&]() -> Result<bool> {
      return !x_.q("SELECT 1 AS one FROM memberships m JOIN actors a ON a.id = m.actor_id WHERE "
                   "m.community_id = $1 AND m.state = $2 AND lower(a.domain) = lower($3) LIMIT 1",
                   {community_id, to_string(MemberState::accepted), std::string(domain)})
                  .empty();
    });
  }

  Result<Membership> insert(const MembershipForm& f) {
    const TimePoint now = x_.now();
    return one<Membership>(
        x_.q("INSERT INTO memberships (id, community_id, actor_id, role, state, follow_ap_id, "
             "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING *",
             {x_.ids.next(), f.community_id, f.actor_id, to_string(f.role), to_string(f.state),
              f.follow_ap_id, now}),
        membership_from, "membership");
  }

 private:
  Result<std::vector<Membership>> list_by(std::string_view column, Id id,
                                          std::optional<MemberState> state,
                                          const PageRequest& page) {
    return x_.read([&]() -> Result<std::vector<Membership>> {
      std::string sql = "SELECT * FROM memberships WHERE " + std::string(column) + " = $1";
      Params params{id};
      if (state) {
        params.emplace_back(to_string(*state));
        sql += " AND state = " + placeholder(params);
      }
      paginate(sql, params, page, "id");
      return map_rows<Membership>(x_.q(sql, params), membership_from);
    });
  }

  Ctx& x_;
};

// ---------------------------------------------------------------------------------------------
// communities

class CommunityRepoImpl final : public CommunityRepo {
 public:
  CommunityRepoImpl(Ctx& x, ActorRepoImpl& actors, MembershipRepoImpl& memberships)
      : x_(x), actors_(actors), memberships_(memberships) {}

  Result<CommunityView> create(const NewCommunity& n) override {
    return x_.write([&]() -> Result<CommunityView> {
      auto actor = actors_.insert_local(ActorKind::group, n.actor);
      if (!actor.ok())
        return std::move(actor).error();
      insert_settings(actor->id, n.settings, actor->created_at);
      auto owner = memberships_.insert({.community_id = actor->id,
                                        .actor_id = n.owner_actor_id,
                                        .role = MemberRole::owner,
                                        .state = MemberState::accepted,
                                        .follow_ap_id = std::nullopt});
      if (!owner.ok())
        return std::move(owner).error();
      return fetch("a.id = $1", {actor->id});
    });
  }

  Result<CommunityView> upsert_remote(const RemoteActorForm& actor_form,
                                      const CommunitySettings& settings) override {
    return x_.write([&]() -> Result<CommunityView> {
      RemoteActorForm form = actor_form;
      form.kind = ActorKind::group;
      auto actor = actors_.upsert_remote_row(form);
      if (!actor.ok())
        return std::move(actor).error();
      const TimePoint now = x_.now();
      x_.q(
          "INSERT INTO communities (actor_id, description_source, description_html, "
          "welcome_source, welcome_html, visibility, join_policy, posting_policy, languages, "
          "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) ON "
          "CONFLICT (actor_id) DO UPDATE SET description_source = excluded.description_source, "
          "description_html = excluded.description_html, welcome_source = "
          "excluded.welcome_source, welcome_html = excluded.welcome_html, visibility = "
          "excluded.visibility, join_policy = excluded.join_policy, posting_policy = "
          "excluded.posting_policy, languages = excluded.languages, updated_at = "
          "excluded.updated_at",
          {actor->id, settings.description_source, settings.description_html,
           settings.welcome_source, settings.welcome_html, to_string(settings.visibility),
           to_string(settings.join_policy), to_string(settings.posting_policy),
           join_languages(settings.languages), now});
      return fetch("a.id = $1", {actor->id});
    });
  }

  Result<CommunityView> get(Id actor_id) override {
    return x_.read([&] { return fetch("a.id = $1", {actor_id}); });
  }

  Result<CommunityView> get_by_ap_id(std::string_view ap_id) override {
    return x_.read([&] { return fetch("a.ap_id = $1", {ap_id}); });
  }

  Result<CommunityView> get_local_by_handle(std::string_view handle) override {
    return x_.read(
        [&] { return fetch("a.domain IS NULL AND lower(a.handle) = $1", {ascii_lower(handle)}); });
  }

  Result<CommunityView> get_by_handle(std::string_view handle,
                                      std::optional<std::string_view> domain) override {
    if (!domain)
      return get_local_by_handle(handle);
    return x_.read([&] {
      return fetch("a.domain = $1 AND lower(a.handle) = $2",
                   {ascii_lower(*domain), ascii_lower(handle)});
    });
  }

  Result<std::vector<CommunityView>> list(CommunityScope scope, const PageRequest& page) override {
    return x_.read([&]() -> Result<std::vector<CommunityView>> {
      std::string sql = std::string(kCommunitySelect);
      switch (scope) {
        case CommunityScope::local:
          sql += " WHERE a.domain IS NULL";
          break;
        case CommunityScope::remote:
          sql += " WHERE a.domain IS NOT NULL";
          break;
        case CommunityScope::all:
          sql += " WHERE 1 = 1";
          break;
      }
      Params params;
      paginate(sql, params, page, "a.id");
      return map_rows<CommunityView>(x_.q(sql, params), community_from);
    });
  }

  Result<CommunityView> update(Id actor_id, const CommunityUpdate& u) override {
    return x_.write([&]() -> Result<CommunityView> {
      const TimePoint now = x_.now();
      if (u.title || u.icon_url || u.header_url) {
        SetList a;
        a.set("display_name", u.title);
        a.set("icon_url", u.icon_url);
        a.set("header_url", u.header_url);
        a.add("updated_at", now);
        auto [sql, params] = a.sql("actors", "id", actor_id);
        x_.q(sql, params);
      }
      SetList s;
      s.set("description_source", u.description_source);
      s.set("description_html", u.description_html);
      s.set("welcome_source", u.welcome_source);
      s.set("welcome_html", u.welcome_html);
      s.set_enum("visibility", u.visibility);
      s.set_enum("join_policy", u.join_policy);
      s.set_enum("posting_policy", u.posting_policy);
      if (u.languages)
        s.add("languages", join_languages(*u.languages));
      s.add("updated_at", now);
      auto [sql, params] = s.sql("communities", "actor_id", actor_id);
      if (x_.q(sql, params).empty())
        return core::Error::not_found("community not found");
      return fetch("a.id = $1", {actor_id});
    });
  }

  Result<std::vector<CommunityRule>> rules(Id actor_id) override {
    return x_.read([&]() -> Result<std::vector<CommunityRule>> {
      return map_rows<CommunityRule>(
          x_.q("SELECT position, text FROM community_rules WHERE community_id = $1 ORDER BY "
               "position",
               {actor_id}),
          [](const Row& r) {
            return CommunityRule{static_cast<int>(r.i64("position")), r.text("text")};
          });
    });
  }

  Result<void> set_rules(Id actor_id, const std::vector<std::string>& rules) override {
    return x_.write([&]() -> Result<void> {
      if (x_.q("SELECT actor_id FROM communities WHERE actor_id = $1", {actor_id}).empty())
        return core::Error::not_found("community not found");
      x_.q("DELETE FROM community_rules WHERE community_id = $1", {actor_id});
      for (std::size_t i = 0; i < rules.size(); ++i)
        x_.q("INSERT INTO community_rules (community_id, position, text) VALUES ($1, $2, $3)",
             {actor_id, static_cast<std::int64_t>(i), rules[i]});
      return {};
    });
  }

 private:
  void insert_settings(Id actor_id, const CommunitySettings& s, TimePoint now) {
    x_.q(
        "INSERT INTO communities (actor_id, description_source, description_html, "
        "welcome_source, welcome_html, visibility, join_policy, posting_policy, languages, "
        "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
        {actor_id, s.description_source, s.description_html, s.welcome_source, s.welcome_html,
         to_string(s.visibility), to_string(s.join_policy), to_string(s.posting_policy),
         join_languages(s.languages), now});
  }

  Result<CommunityView> fetch(std::string_view where, const Params& params) {
    return one<CommunityView>(
        x_.q(std::string(kCommunitySelect) + " WHERE " + std::string(where), params),
        community_from, "community");
  }

  Ctx& x_;
  ActorRepoImpl& actors_;
  MembershipRepoImpl& memberships_;
};

// ---------------------------------------------------------------------------------------------
// follows

class FollowRepoImpl final : public FollowRepo {
 public:
  explicit FollowRepoImpl(Ctx& x) : x_(x) {}

  Result<Follow> create(Id follower_id, Id followee_id, FollowState state,
                        std::optional<std::string> ap_id) override {
    return x_.write([&]() -> Result<Follow> {
      if (follower_id == followee_id)
        return core::Error::invalid_input("an actor cannot follow itself");
      const TimePoint now = x_.now();
      auto follow = one<Follow>(
          x_.q("INSERT INTO follows (id, follower_id, followee_id, state, ap_id, created_at, "
               "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING *",
               {x_.ids.next(), follower_id, followee_id, to_string(state), ap_id, now}),
          follow_from, "follow");
      if (follow)
        x_.record(ChangeKind::follow_created, follow->id);
      return follow;
    });
  }

  Result<Follow> accept(Id follower_id, Id followee_id) override {
    return x_.write([&]() -> Result<Follow> {
      return one<Follow>(
          x_.q("UPDATE follows SET state = 'accepted', updated_at = $1 WHERE follower_id = $2 "
               "AND followee_id = $3 RETURNING *",
               {x_.now(), follower_id, followee_id}),
          follow_from, "follow");
    });
  }

  Result<void> remove(Id follower_id, Id followee_id) override {
    return x_.write([&]() -> Result<void> {
      if (x_.q("DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2 RETURNING id",
               {follower_id, followee_id})
              .empty())
        return core::Error::not_found("follow not found");
      return {};
    });
  }

  Result<Follow> get(Id follower_id, Id followee_id) override {
    return x_.read([&] {
      return one<Follow>(x_.q("SELECT * FROM follows WHERE follower_id = $1 AND followee_id = $2",
                              {follower_id, followee_id}),
                         follow_from, "follow");
    });
  }

  Result<Follow> get_by_ap_id(std::string_view ap_id) override {
    return x_.read([&] {
      return one<Follow>(x_.q("SELECT * FROM follows WHERE ap_id = $1", {ap_id}), follow_from,
                         "follow");
    });
  }

  Result<std::vector<Follow>> followers(Id followee_id, std::optional<FollowState> state,
                                        const PageRequest& page) override {
    return list_by("followee_id", followee_id, state, page);
  }

  Result<std::vector<Follow>> following(Id follower_id, std::optional<FollowState> state,
                                        const PageRequest& page) override {
    return list_by("follower_id", follower_id, state, page);
  }

  Result<std::int64_t> count_followers(Id followee_id) override {
    return count_by("followee_id", followee_id);
  }

  Result<std::int64_t> count_following(Id follower_id) override {
    return count_by("follower_id", follower_id);
  }

 private:
  Result<std::vector<Follow>> list_by(std::string_view column, Id id,
                                      std::optional<FollowState> state, const PageRequest& page) {
    return x_.read([&]() -> Result<std::vector<Follow>> {
      std::string sql = "SELECT * FROM follows WHERE " + std::string(column) + " = $1";
      Params params{id};
      if (state) {
        params.emplace_back(to_string(*state));
        sql += " AND state = " + placeholder(params);
      }
      paginate(sql, params, page, "id");
      return map_rows<Follow>(x_.q(sql, params), follow_from);
    });
  }

  Result<std::int64_t> count_by(std::string_view column, Id id) {
    return x_.read([&]() -> Result<std::int64_t> {
      return x_
          .q("SELECT count(*) AS n FROM follows WHERE " + std::string(column) +
                 " = $1 AND state = 'accepted'",
             {id})
          .front()
          .i64("n");
    });
  }

  Ctx& x_;
};

// ---------------------------------------------------------------------------------------------
// posts

class PostRepoImpl final : public PostRepo {
 public:
  explicit PostRepoImpl(Ctx& x) : x_(x) {}

  Result<Post> create(const NewPost& n) override {
    return x_.write([&]() -> Result<Post> {
      const Id id = n.id ? *n.id : x_.ids.next();
      Id thread_id = id;
      std::optional<Id> community_id = n.community_id;
      if (n.parent_id) {
        auto parent =
            x_.q("SELECT thread_id, community_id FROM posts WHERE id = $1", {*n.parent_id});
        if (parent.empty())
          return core::Error::invalid_input("the post replied to does not exist");
        thread_id = parent.front().i64("thread_id");
        const auto parent_community = parent.front().opt_i64("community_id");
        if (community_id && community_id != parent_community)
          return core::Error::invalid_input("a comment must be in its thread's community");
        community_id = parent_community;
      }
      x_.q(
          "INSERT INTO posts (id, ap_id, author_id, community_id, thread_id, parent_id, title, "
          "content_source, content_html, summary, language, sensitive, url, context_url, "
          "link_url, is_local, is_question, visibility, published_at) VALUES ($1, $2, $3, $4, $5, "
          "$6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
          {id, n.ap_id, n.author_id, community_id, thread_id, n.parent_id, n.title,
           n.content_source, n.content_html, n.summary, n.language, n.sensitive, n.url,
           n.context_url, n.link_url, n.is_local, n.is_question, to_string(n.visibility),
           n.published_at ? driver::from_millis(driver::to_millis(*n.published_at)) : x_.now()});
      insert_attachments(id, n.attachments);
      x_.record(ChangeKind::post_created, id);
      return fetch("id = $1", {id});
    });
  }

  Result<Post> get(Id id) override {
    return x_.read([&] { return fetch("id = $1", {id}); });
  }

  Result<Post> get_by_ap_id(std::string_view ap_id) override {
    return x_.read([&] { return fetch("ap_id = $1", {ap_id}); });
  }

  Result<Post> update(Id id, const PostEdit& e) override {
    return x_.write([&]() -> Result<Post> {
      auto current = fetch("id = $1", {id});
      if (!current.ok())
        return current;
      if (current->deleted_at)
        return core::Error::conflict("a deleted post cannot be edited");
      const TimePoint edited_at =
          e.edited_at ? driver::from_millis(driver::to_millis(*e.edited_at)) : x_.now();
      x_.q(
          "INSERT INTO post_edits (id, post_id, edited_at, title, content_source, content_html) "
          "VALUES ($1, $2, $3, $4, $5, $6)",
          {x_.ids.next(), id, edited_at, current->title, current->content_source,
           current->content_html});
      SetList s;
      s.set("title", e.title);
      s.set("content_source", e.content_source);
      s.set("content_html", e.content_html);
      s.set("summary", e.summary);
      s.set("language", e.language);
      s.set("sensitive", e.sensitive);
      s.set("url", e.url);
      s.set("link_url", e.link_url);
      s.add("updated_at", edited_at);
      auto [sql, params] = s.sql("posts", "id", id);
      x_.q(sql, params);
      if (e.attachments) {
        x_.q("DELETE FROM attachments WHERE post_id = $1", {id});
        insert_attachments(id, *e.attachments);
      }
      x_.record(ChangeKind::post_edited, id);
      return fetch("id = $1", {id});
    });
  }

  Result<std::vector<PostRevision>> revisions(Id id) override {
    return x_.read([&]() -> Result<std::vector<PostRevision>> {
      return map_rows<PostRevision>(
          x_.q("SELECT * FROM post_edits WHERE post_id = $1 ORDER BY id", {id}), [](const Row& r) {
            return PostRevision{r.i64("id"),
                                r.i64("post_id"),
                                r.time("edited_at"),
                                r.opt_text("title"),
                                r.opt_text("content_source"),
                                r.text("content_html")};
          });
    });
  }

  Result<Post> soft_delete(Id id) override {
    return x_.write([&]() -> Result<Post> {
      // Keep the first deletion time: a repeated Delete must not move the tombstone.
      auto rows = x_.q(
          "UPDATE posts SET deleted_at = coalesce(deleted_at, $1), title = NULL, content_source "
          "= NULL, content_html = '', summary = NULL, url = NULL, link_url = NULL WHERE id = $2 "
          "RETURNING id",
          {x_.now(), id});
      if (rows.empty())
        return core::Error::not_found("post not found");
      x_.q("DELETE FROM attachments WHERE post_id = $1", {id});
      x_.q("DELETE FROM post_edits WHERE post_id = $1", {id});
      x_.record(ChangeKind::post_deleted, id);
      return fetch("id = $1", {id});
    });
  }

  Result<Post> set_removed(Id id, bool removed) override {
    return x_.write([&]() -> Result<Post> {
      auto post =
          set_column_unguarded(id, "removed_at", removed ? Param(x_.now()) : Param(std::nullopt));
      // A removed post leaves timelines like a deleted one; a restored one comes back.
      if (post)
        x_.record(removed ? ChangeKind::post_deleted : ChangeKind::post_created, id);
      return post;
    });
  }
  Result<Post> set_locked(Id id, bool locked) override { return set_column(id, "locked", locked); }
  Result<Post> set_pinned(Id id, bool pinned) override { return set_column(id, "pinned", pinned); }

  Result<Post> set_accepted_answer(Id id, std::optional<Id> answer_id) override {
    return x_.write([&]() -> Result<Post> {
      if (answer_id) {
        auto answer = x_.q("SELECT thread_id FROM posts WHERE id = $1", {*answer_id});
        if (answer.empty() || answer.front().i64("thread_id") != id || *answer_id == id)
          return core::Error::invalid_input("the accepted answer must be a comment in the thread");
      }
      return set_column_unguarded(id, "accepted_answer_id", answer_id);
    });
  }

  Result<std::vector<Post>> list_community_threads(Id community_id,
                                                   const PageRequest& page) override {
    return x_.read([&]() -> Result<std::vector<Post>> {
      std::vector<Post> out;
      if (!page.before && !page.after) {
        out = map_rows<Post>(
            x_.q("SELECT * FROM posts WHERE community_id = $1 AND parent_id IS NULL AND pinned = "
                 "$2 ORDER BY id DESC",
                 {community_id, true}),
            post_from);
      }
      std::string sql =
          "SELECT * FROM posts WHERE community_id = $1 AND parent_id IS NULL AND pinned = $2";
      Params params{community_id, false};
      paginate(sql, params, page, "id");
      for (auto row : x_.q(sql, params))
        out.push_back(post_from(row));
      load_attachments(out);
      return out;
    });
  }

  Result<std::vector<Post>> list_thread(Id thread_id, const PageRequest& page) override {
    return x_.read([&]() -> Result<std::vector<Post>> {
      std::string sql = "SELECT * FROM posts WHERE thread_id = $1 AND id <> $1";
      Params params{thread_id};
      paginate(sql, params, page, "id");
      auto out = map_rows<Post>(x_.q(sql, params), post_from);
      load_attachments(out);
      return out;
    });
  }

  Result<std::vector<Post>> list_by_author(Id author_id, const PageRequest& page) override {
    return x_.read([&]() -> Result<std::vector<Post>> {
      std::string sql = "SELECT * FROM posts WHERE author_id = $1";
      Params params{author_id};
      paginate(sql, params, page, "id");
      auto out = map_rows<Post>(x_.q(sql, params), post_from);
      load_attachments(out);
      return out;
    });
  }

  Result<std::int64_t> count_comments(Id thread_id) override {
    return x_.read([&]() -> Result<std::int64_t> {
      return x_
          .q("SELECT count(*) AS n FROM posts WHERE thread_id = $1 AND id <> $1 AND deleted_at "
             "IS NULL",
             {thread_id})
          .front()
          .i64("n");
    });
  }

 private:
  Result<Post> set_column(Id id, std::string_view column, Param value) {
    return x_.write([&]() -> Result<Post> { return set_column_unguarded(id, column, value); });
  }

  Result<Post> set_column_unguarded(Id id, std::string_view column, Param value) {
    SetList s;
    s.add(column, std::move(value));
    auto [sql, params] = s.sql("posts", "id", id);
    if (x_.q(sql, params).empty())
      return core::Error::not_found("post not found");
    return fetch("id = $1", {id});
  }

  void insert_attachments(Id post_id, const std::vector<Attachment>& attachments) {
    for (std::size_t i = 0; i < attachments.size(); ++i) {
      const Attachment& a = attachments[i];
      x_.q(
          "INSERT INTO attachments (post_id, position, url, media_type, description, width, "
          "height, blurhash, preview_url, focus_x, focus_y, media_id) VALUES ($1, $2, $3, $4, $5, "
          "$6, $7, $8, $9, $10, $11, $12)",
          {post_id, static_cast<std::int64_t>(i), a.url, a.media_type, a.description, a.width,
           a.height, a.blurhash, a.preview_url, a.focus_x, a.focus_y, a.media_id});
    }
  }

  void load_attachments(std::vector<Post>& posts) {
    if (posts.empty())
      return;
    std::string sql = "SELECT * FROM attachments WHERE post_id IN (";
    Params params;
    std::map<Id, Post*> by_id;
    for (auto& p : posts) {
      if (!by_id.emplace(p.id, &p).second)
        continue;
      params.emplace_back(p.id);
      sql += (params.size() > 1 ? ", " : "") + placeholder(params);
    }
    sql += ") ORDER BY post_id, position";
    for (auto row : x_.q(sql, params))
      by_id.at(row.i64("post_id"))->attachments.push_back(attachment_from(row));
  }

  Result<Post> fetch(std::string_view where, const Params& params) {
    auto post = one<Post>(x_.q("SELECT * FROM posts WHERE " + std::string(where), params),
                          post_from, "post");
    if (post.ok()) {
      std::vector<Post> one_post{std::move(*post)};
      load_attachments(one_post);
      return std::move(one_post.front());
    }
    return post;
  }

  Ctx& x_;
};

// ---------------------------------------------------------------------------------------------
// reactions

class ReactionRepoImpl final : public ReactionRepo {
 public:
  explicit ReactionRepoImpl(Ctx& x) : x_(x) {}

  Result<Reaction> add(const ReactionForm& f) override {
    return x_.write([&]() -> Result<Reaction> {
      const std::string emoji = f.kind == ReactionKind::emoji ? f.emoji : std::string();
      if (f.kind == ReactionKind::emoji && emoji.empty())
        return core::Error::invalid_input("an emoji reaction needs an emoji");
      auto rows = x_.q(
          "INSERT INTO reactions (id, post_id, actor_id, kind, emoji, emoji_icon_url, ap_id, "
          "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (post_id, actor_id, "
          "kind, emoji) DO NOTHING RETURNING *",
          {x_.ids.next(), f.post_id, f.actor_id, to_string(f.kind), emoji, f.emoji_icon_url,
           f.ap_id, x_.now()});
      if (!rows.empty()) {
        Reaction added = reaction_from(rows.front());
        x_.record(ChangeKind::reaction_added, added.id);
        return added;
      }
      return one<Reaction>(x_.q("SELECT * FROM reactions WHERE post_id = $1 AND actor_id = $2 "
                                "AND kind = $3 AND emoji = $4",
                                {f.post_id, f.actor_id, to_string(f.kind), emoji}),
                           reaction_from, "reaction");
    });
  }

  Result<bool> remove(Id post_id, Id actor_id, ReactionKind kind, std::string_view emoji) override {
    return x_.write([&]() -> Result<bool> {
      const std::string e = kind == ReactionKind::emoji ? std::string(emoji) : std::string();
      return !x_.q("DELETE FROM reactions WHERE post_id = $1 AND actor_id = $2 AND kind = $3 AND "
                   "emoji = $4 RETURNING id",
                   {post_id, actor_id, to_string(kind), e})
                  .empty();
    });
  }

  Result<Reaction> get_by_ap_id(std::string_view ap_id) override {
    return x_.read([&] {
      return one<Reaction>(x_.q("SELECT * FROM reactions WHERE ap_id = $1", {ap_id}), reaction_from,
                           "reaction");
    });
  }

  Result<bool> remove_by_ap_id(std::string_view ap_id) override {
    return x_.write([&]() -> Result<bool> {
      return !x_.q("DELETE FROM reactions WHERE ap_id = $1 RETURNING id", {ap_id}).empty();
    });
  }

  Result<std::vector<Reaction>> list_for_post(Id post_id, const PageRequest& page) override {
    return x_.read([&]() -> Result<std::vector<Reaction>> {
      std::string sql = "SELECT * FROM reactions WHERE post_id = $1";
      Params params{post_id};
      paginate(sql, params, page, "id");
      return map_rows<Reaction>(x_.q(sql, params), reaction_from);
    });
  }

  Result<std::vector<Reaction>> list_by_actor(Id post_id, Id actor_id) override {
    return x_.read([&]() -> Result<std::vector<Reaction>> {
      return map_rows<Reaction>(
          x_.q("SELECT * FROM reactions WHERE post_id = $1 AND actor_id = $2 ORDER BY id",
               {post_id, actor_id}),
          reaction_from);
    });
  }

  Result<std::vector<ReactionCount>> counts(Id post_id) override {
    return x_.read([&]() -> Result<std::vector<ReactionCount>> {
      return map_rows<ReactionCount>(
          x_.q("SELECT kind, emoji, count(*) AS n FROM reactions WHERE post_id = $1 GROUP BY "
               "kind, emoji ORDER BY kind, emoji",
               {post_id}),
          [](const Row& r) {
            return ReactionCount{enum_column<ReactionKind>(r, "kind"), r.text("emoji"), r.i64("n")};
          });
    });
  }

 private:
  Ctx& x_;
};

// ---------------------------------------------------------------------------------------------

class TxImpl final : public Tx {
 public:
  TxImpl(Connection& c, core::IdGenerator& ids, const core::Clock& clock, ChangeLog* changes)
      : ctx_{c, ids, clock, changes},
        instances_(ctx_),
        instance_settings_(ctx_),
        actors_(ctx_, instances_),
        users_(ctx_, actors_),
        memberships_(ctx_),
        communities_(ctx_, actors_, memberships_),
        follows_(ctx_),
        posts_(ctx_),
        reactions_(ctx_) {}

  InstanceRepo& instances() override { return instances_; }
  InstanceSettingsRepo& instance_settings() override { return instance_settings_; }
  ActorRepo& actors() override { return actors_; }
  UserRepo& users() override { return users_; }
  CommunityRepo& communities() override { return communities_; }
  MembershipRepo& memberships() override { return memberships_; }
  FollowRepo& follows() override { return follows_; }
  PostRepo& posts() override { return posts_; }
  ReactionRepo& reactions() override { return reactions_; }
  // Made on first use: most transactions never touch the federation queues.
  InboxLogRepo& inbox_log() override {
    if (!inbox_log_)
      inbox_log_ = make_inbox_log_repo(ctx_.c, ctx_.ids, ctx_.clock);
    return *inbox_log_;
  }
  DeliveryQueueRepo& delivery_queue() override {
    if (!delivery_queue_)
      delivery_queue_ = make_delivery_queue_repo(ctx_.c, ctx_.ids, ctx_.clock);
    return *delivery_queue_;
  }
  CommunityOutboxRepo& community_outbox() override {
    if (!community_outbox_)
      community_outbox_ = make_community_outbox_repo(ctx_.c, ctx_.ids, ctx_.clock);
    return *community_outbox_;
  }
  ModerationLogRepo& moderation_log() override {
    if (!moderation_log_)
      moderation_log_ = make_moderation_log_repo(ctx_);
    return *moderation_log_;
  }
  OAuthRepo& oauth() override {
    if (!oauth_)
      oauth_ = make_oauth_repo(ctx_);
    return *oauth_;
  }
  ClientApiRepo& client_api() override {
    if (!client_api_)
      client_api_ = make_client_api_repo(ctx_, *this);
    return *client_api_;
  }
  CommunityReportRepo& community_reports() override {
    if (!community_reports_)
      community_reports_ = make_community_report_repo(ctx_);
    return *community_reports_;
  }
  CommunityQueryRepo& community_queries() override {
    if (!community_queries_)
      community_queries_ = make_community_query_repo(ctx_.c, ctx_.ids, ctx_.clock, *this);
    return *community_queries_;
  }
  PollRepo& polls() override {
    if (!polls_)
      polls_ = make_poll_repo(ctx_.c, ctx_.ids, ctx_.clock);
    return *polls_;
  }
  EventRepo& events() override {
    if (!events_)
      events_ = make_event_repo(ctx_.c, ctx_.ids, ctx_.clock);
    return *events_;
  }
  MediaRepo& media() override {
    if (!media_)
      media_ = make_media_repo(ctx_);
    return *media_;
  }
  Id next_id() override { return ctx_.ids.next(); }
  TimePoint now() const override { return ctx_.now(); }

 private:
  Ctx ctx_;
  InstanceRepoImpl instances_;
  InstanceSettingsRepoImpl instance_settings_;
  ActorRepoImpl actors_;
  UserRepoImpl users_;
  MembershipRepoImpl memberships_;
  CommunityRepoImpl communities_;
  FollowRepoImpl follows_;
  PostRepoImpl posts_;
  ReactionRepoImpl reactions_;
  std::unique_ptr<InboxLogRepo> inbox_log_;
  std::unique_ptr<DeliveryQueueRepo> delivery_queue_;
  std::unique_ptr<CommunityOutboxRepo> community_outbox_;
  std::unique_ptr<ModerationLogRepo> moderation_log_;
  std::unique_ptr<OAuthRepo> oauth_;
  std::unique_ptr<ClientApiRepo> client_api_;
  std::unique_ptr<CommunityReportRepo> community_reports_;
  std::unique_ptr<CommunityQueryRepo> community_queries_;
  std::unique_ptr<PollRepo> polls_;
  std::unique_ptr<EventRepo> events_;
  std::unique_ptr<MediaRepo> media_;
};

}  // namespace

std::unique_ptr<Tx> make_tx(Connection& connection, core::IdGenerator& ids,
                            const core::Clock& clock, ChangeLog* changes) {
  return std::make_unique<TxImpl>(connection, ids, clock, changes);
}

}  // namespace guildhall::storage::detail
