#include "streaming.hpp"

#include <algorithm>
#include <unordered_set>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "guildhall/core/id.hpp"

#include "entities.hpp"
#include "lists.hpp"
#include "scopes.hpp"

namespace guildhall::server::api {

namespace {

using nlohmann::json;
using storage::Change;
using storage::ChangeKind;
using storage::Id;

// Changes waiting for the fan-out thread; beyond, the oldest are dropped (and logged): live
// streams are best effort, clients re-read timelines on reconnect.
constexpr std::size_t kMaxPendingChanges = 10'000;
// The most followers of one author looked at for `user` streams (storage pages of 200).
constexpr std::size_t kMaxFollowerPages = 100;

// Streams of one signed-in user ("direct": `conversation` events for their direct threads).
bool is_user_stream(const StreamKey& key) {
  return key.name == "user" || key.name == "user:notification" || key.name == "direct";
}

bool is_status_stream(const StreamKey& key) {
  return key.name != "user:notification";
}

json stream_array(const StreamKey& key) {
  json out = json::array({key.name});
  if (!key.tag.empty())
    out.push_back(key.tag);
  return out;
}

}  // namespace

std::optional<StreamKey> parse_stream(std::string_view name, std::string_view tag) {
  std::string n(name);
  std::replace(n.begin(), n.end(), '/', ':');
  static const std::set<std::string, std::less<>> kKnown = {
      "user",          "user:notification", "public",        "public:local",
      "public:remote", "hashtag",           "hashtag:local", "direct"};
  if (!kKnown.contains(n))
    return std::nullopt;
  if (!n.starts_with("hashtag"))
    return StreamKey{n, {}};
  std::string t(tag.starts_with('#') ? tag.substr(1) : tag);
  std::transform(t.begin(), t.end(), t.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (t.empty() || t.size() > 100 || !std::all_of(t.begin(), t.end(), is_hashtag_char))
    return std::nullopt;
  return StreamKey{n, t};
}

std::optional<std::string> stream_refusal(const StreamViewer& viewer, const StreamKey& key) {
  if (!is_user_stream(key))
    return std::nullopt;  // public streams, like the public timelines, need no token
  if (!viewer.account)
    return "Missing access token";
  const char* needed = key.name == "user:notification" ? "read:notifications" : "read:statuses";
  if (!grants(viewer.scopes, needed))
    return "Access token does not have the required scopes";
  return std::nullopt;
}

StreamingHub::StreamingHub(storage::Database& db, federation::Urls urls)
    : db_(db), urls_(std::move(urls)) {}

StreamingHub::~StreamingHub() {
  if (subscription_)
    db_.unsubscribe_changes(*subscription_);
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_ready_.notify_all();
  if (worker_.joinable())
    worker_.join();
  std::lock_guard lock(subscribers_mutex_);
  for (auto& [ptr, subscriber] : subscribers_)
    subscriber.channel->close();
}

core::Result<void> StreamingHub::start() {
  auto subscription = db_.subscribe_changes([this](const Change& change) { enqueue(change); });
  if (!subscription)
    return std::move(subscription).error();
  subscription_ = *subscription;
  worker_ = std::thread([this] { run(); });
  return {};
}

void StreamingHub::attach(const std::shared_ptr<http::StreamChannel>& channel, StreamViewer viewer,
                          std::vector<StreamKey> initial) {
  const Id token_id = viewer.token_id;
  {
    std::lock_guard lock(subscribers_mutex_);
    subscribers_[channel.get()] =
        Subscriber{channel, std::move(viewer), {initial.begin(), initial.end()}};
  }
  if (token_id == 0)
    return;
  {
    std::lock_guard lock(queue_mutex_);
    tokens_to_check_.push_back(token_id);
  }
  queue_ready_.notify_one();
}

void StreamingHub::detach(http::StreamChannel& channel) {
  std::lock_guard lock(subscribers_mutex_);
  subscribers_.erase(&channel);
}

void StreamingHub::handle_message(http::StreamChannel& channel, std::string_view text) {
  const json message = json::parse(text, nullptr, false);
  const auto field = [&](const char* name) -> std::string {
    if (!message.is_object() || !message.contains(name) || !message[name].is_string())
      return {};
    return message[name].get<std::string>();
  };
  const std::string type = field("type");
  if (type != "subscribe" && type != "unsubscribe") {
    channel.send(json{{"error", "Unknown message type"}}.dump());
    return;
  }
  const auto key = parse_stream(field("stream"), field("tag"));
  if (!key) {
    channel.send(json{{"error", "Unknown stream type"}}.dump());
    return;
  }
  std::lock_guard lock(subscribers_mutex_);
  auto it = subscribers_.find(&channel);
  if (it == subscribers_.end())
    return;
  if (type == "unsubscribe") {
    it->second.streams.erase(*key);
    return;
  }
  if (auto refusal = stream_refusal(it->second.viewer, *key)) {
    channel.send(json{{"error", *refusal}, {"status", 401}}.dump());
    return;
  }
  it->second.streams.insert(*key);
}

std::size_t StreamingHub::streams_of_token(Id token_id) const {
  std::lock_guard lock(subscribers_mutex_);
  return static_cast<std::size_t>(
      std::count_if(subscribers_.begin(), subscribers_.end(),
                    [&](const auto& entry) { return entry.second.viewer.token_id == token_id; }));
}

std::size_t StreamingHub::open_streams() const {
  std::lock_guard lock(subscribers_mutex_);
  return subscribers_.size();
}

std::uint64_t StreamingHub::changes_processed() const {
  std::lock_guard lock(queue_mutex_);
  return processed_;
}

void StreamingHub::enqueue(const Change& change) {
  {
    std::lock_guard lock(queue_mutex_);
    if (queue_.size() >= kMaxPendingChanges) {
      queue_.pop_front();
      spdlog::warn("streaming: fan-out is behind, a change was dropped");
    }
    queue_.push_back(change);
  }
  queue_ready_.notify_one();
}

void StreamingHub::run() {
  for (;;) {
    std::optional<Change> change;
    std::vector<Id> tokens;
    {
      std::unique_lock lock(queue_mutex_);
      queue_ready_.wait(lock,
                        [&] { return stopping_ || !queue_.empty() || !tokens_to_check_.empty(); });
      if (stopping_)
        return;
      tokens.swap(tokens_to_check_);
      if (!queue_.empty()) {
        change = queue_.front();
        queue_.pop_front();
      }
    }
    std::sort(tokens.begin(), tokens.end());
    tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
    for (Id token : tokens)
      check_token(token);
    if (!change)
      continue;
    try {
      fan_out(*change);
    } catch (const std::exception& e) {
      spdlog::warn("streaming: {} {} not streamed: {}", storage::to_string(change->kind),
                   change->id, e.what());
    }
    std::lock_guard lock(queue_mutex_);
    ++processed_;
  }
}

void StreamingHub::fan_out(const Change& change) {
  switch (change.kind) {
    case ChangeKind::token_revoked:
      close_streams_of(change.id, "token revoked");
      return;
    case ChangeKind::post_created:
    case ChangeKind::post_edited:
    case ChangeKind::post_deleted:
      post_event(change);
      if (change.kind == ChangeKind::post_created)
        notify(change.id);  // a reply notifies the parent's author
      return;
    case ChangeKind::reblog_created:
      post_event(change);
      notify(change.id);  // the boosted post's author
      return;
    case ChangeKind::reaction_added:
    case ChangeKind::follow_created:
    case ChangeKind::poll_closed:
    case ChangeKind::moderation_logged:  // a join decision, appointment or ban
    case ChangeKind::report_filed:       // the community's managers, the admins
      notify(change.id);
      return;
  }
}

void StreamingHub::close_streams_of(Id token_id, std::string_view reason) {
  std::lock_guard lock(subscribers_mutex_);
  for (auto& [ptr, subscriber] : subscribers_)
    if (subscriber.viewer.token_id == token_id)
      subscriber.channel->close(reason);
}

void StreamingHub::check_token(Id token_id) {
  auto valid = db_.read([&](storage::Tx& tx) -> core::Result<bool> {
    auto token = tx.oauth().get_token(token_id);
    if (!token)
      return std::move(token).error();
    if (token->revoked_at)
      return false;
    if (!token->user_id)
      return true;
    auto user = tx.users().get(*token->user_id);
    if (!user)
      return std::move(user).error();
    return !(user->user.disabled_at || user->actor.suspended_at || user->actor.deleted_at);
  });
  if (valid && !*valid)
    close_streams_of(token_id, "token revoked");
}

void StreamingHub::post_event(const Change& change) {
  // Who listens, and whether they are admins: a private community's post goes only to those
  // who may read it (the storage::Reader rule of the timelines).
  std::map<Id, bool> listening;
  bool anonymous_listening = false;
  {
    std::lock_guard lock(subscribers_mutex_);
    if (subscribers_.empty())
      return;  // nothing to render for
    for (const auto& [ptr, subscriber] : subscribers_) {
      if (subscriber.viewer.account)
        listening[*subscriber.viewer.account] = subscriber.viewer.admin;
      else
        anonymous_listening = true;
    }
  }
  struct Rendered {
    Event event;
    bool is_local = false;
    bool boost = false;  // a person's boost: home streams only, as in the home timeline
    bool listed = true;  // a public post: public and hashtag streams too (not unlisted ones)
    Id author = 0;       // the post's author, or the booster
    std::string text;    // for hashtag matching
    std::unordered_set<Id> followers;
    std::optional<std::unordered_set<Id>> readers;  // nullopt: everyone may read it
    std::map<Id, std::string> conversations;        // a direct post: each listening reader's
  };
  auto rendered = db_.read([&](storage::Tx& tx) -> core::Result<Rendered> {
    Rendered out;
    std::optional<storage::Reblog> boost;
    if (change.kind == ChangeKind::reblog_created) {
      auto row = tx.client_api().get_reblog(change.id);
      if (!row)
        return std::move(row).error();
      boost = *row;
    }
    auto post = tx.posts().get(boost ? boost->post_id : change.id);
    if (!post)
      return std::move(post).error();
    out.is_local = post->is_local;
    out.listed = post->visibility == storage::PostVisibility::public_;
    out.author = boost ? boost->actor_id : post->author_id;
    out.boost = boost.has_value();
    if (change.kind == ChangeKind::post_deleted) {
      out.event = {"delete", core::to_string_id(post->id)};
      return out;
    }
    if (post->deleted_at || post->removed_at)
      return core::Error::not_found("gone before it was streamed");
    auto everyone = tx.client_api().post_readable({}, post->id);
    if (!everyone)
      return std::move(everyone).error();
    if (!*everyone) {
      out.readers.emplace();
      for (const auto& [account, admin] : listening) {
        auto may = tx.client_api().post_readable({.actor_id = account, .admin = admin}, post->id);
        if (!may)
          return std::move(may).error();
        if (*may)
          out.readers->insert(account);
      }
      if (out.readers->empty())
        return core::Error::not_found("no listener may read it");
    } else if (!anonymous_listening && listening.empty()) {
      return core::Error::not_found("nobody listens");
    }
    if (boost) {
      auto booster = tx.actors().get(boost->actor_id);
      if (!booster)
        return std::move(booster).error();
      out.event = {"update",
                   reblog_json(tx, urls_, boost->id, *booster, *post, std::nullopt).dump()};
    } else {
      out.event = {change.kind == ChangeKind::post_created ? "update" : "status.update",
                   status_json(tx, urls_, *post, std::nullopt).dump()};
    }
    if (post->visibility == storage::PostVisibility::direct && out.readers && !boost) {
      // The conversation this post now ends, as each reader sees it (paged by its last post).
      for (Id reader : *out.readers) {
        auto rows = tx.client_api().conversations(
            reader, {.before = post->id + 1, .after = post->id - 1, .limit = 1});
        if (rows && !rows->empty())
          out.conversations[reader] = conversation_json(tx, urls_, rows->front(), reader).dump();
      }
    }
    out.text = post->content_source.value_or(post->content_html);
    storage::PageRequest page{.limit = 200};
    for (std::size_t i = 0; i < kMaxFollowerPages; ++i) {
      auto followers = tx.follows().followers(out.author, storage::FollowState::accepted, page);
      if (!followers)
        return std::move(followers).error();
      for (const auto& f : *followers)
        out.followers.insert(f.follower_id);
      if (followers->size() < page.limit)
        break;
      page.before = followers->back().id;
    }
    return out;
  });
  if (!rendered)
    return;
  const bool deletion = change.kind == ChangeKind::post_deleted;
  std::lock_guard lock(subscribers_mutex_);
  for (auto& [ptr, subscriber] : subscribers_) {
    const auto& account = subscriber.viewer.account;
    if (rendered->readers && !(account && rendered->readers->contains(*account)))
      continue;
    for (const auto& key : subscriber.streams) {
      if (key.name == "direct" && !deletion && account) {
        if (auto c = rendered->conversations.find(*account); c != rendered->conversations.end())
          send(subscriber, key, {"conversation", c->second});
        continue;
      }
      if (!is_status_stream(key))
        continue;
      bool matches = deletion;  // an id says nothing: every timeline drops it if it has it
      if (!matches) {
        if (key.name == "user")
          matches =
              account && (*account == rendered->author || rendered->followers.contains(*account));
        else if (rendered->boost || !rendered->listed)
          matches = false;  // boosts and unlisted posts are not on public timelines
        else if (key.name == "public")
          matches = true;
        else if (key.name == "public:local")
          matches = rendered->is_local;
        else if (key.name == "public:remote")
          matches = !rendered->is_local;
        else if (key.name == "hashtag" || key.name == "hashtag:local")
          matches =
              (key.name == "hashtag" || rendered->is_local) && has_hashtag(rendered->text, key.tag);
      }
      if (matches)
        send(subscriber, key, rendered->event);
    }
  }
}

void StreamingHub::notify(Id row_id) {
  std::set<Id> listening;
  {
    std::lock_guard lock(subscribers_mutex_);
    for (const auto& [ptr, subscriber] : subscribers_)
      if (subscriber.viewer.account)
        listening.insert(*subscriber.viewer.account);
  }
  if (listening.empty())
    return;
  // recipient → (type, rendered notification)
  using Rendered = std::map<Id, std::pair<std::string, std::string>>;
  auto rendered = db_.read([&](storage::Tx& tx) -> core::Result<Rendered> {
    auto caused = tx.client_api().notifications_caused_by(row_id);
    if (!caused)
      return std::move(caused).error();
    Rendered out;
    for (const auto& [recipient, row] : *caused) {
      if (!listening.contains(recipient))
        continue;
      json entity = notification_json(tx, urls_, row, recipient);
      if (!entity.is_null())
        out[recipient] = {row.type, entity.dump()};
    }
    return out;
  });
  if (!rendered || rendered->empty())
    return;
  std::lock_guard lock(subscribers_mutex_);
  for (auto& [ptr, subscriber] : subscribers_) {
    if (!subscriber.viewer.account)
      continue;
    auto it = rendered->find(*subscriber.viewer.account);
    if (it == rendered->end() || !grants(subscriber.viewer.scopes, "read:notifications"))
      continue;
    const auto& [type, payload] = it->second;
    const auto& own = storage::kGuildhallNotificationTypes;
    const auto& asked = subscriber.viewer.guildhall_types;
    if (std::find(own.begin(), own.end(), type) != own.end() &&
        std::find(asked.begin(), asked.end(), type) == asked.end())
      continue;
    const Event event{"notification", payload};
    for (const auto& key : subscriber.streams)
      if (key.name == "user" || key.name == "user:notification")
        send(subscriber, key, event);
  }
}

void StreamingHub::send(Subscriber& subscriber, const StreamKey& key, const Event& event) {
  auto& channel = *subscriber.channel;
  if (channel.transport() == http::StreamChannel::Transport::websocket) {
    channel.send(
        json{{"stream", stream_array(key)}, {"event", event.name}, {"payload", event.payload}}
            .dump());
  } else {
    channel.send("event: " + event.name + "\ndata: " + event.payload + "\n\n");
  }
}

}  // namespace guildhall::server::api
