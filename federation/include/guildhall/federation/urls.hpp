#pragma once

#include <string>
#include <string_view>

namespace guildhall::federation {

// The ActivityPub id layout of local objects. Ids are permanent once federated: change nothing here
// without a redirect plan. People live under /users/ (Mastodon's layout, what clients and peers
// expect), communities under /c/ (Lemmy's), posts under /posts/ by their opaque Snowflake id.
class Urls {
 public:
  explicit Urls(std::string origin) : origin_(std::move(origin)) {}  // "https://guild.example.com"

  const std::string& origin() const { return origin_; }
  std::string host() const;  // "guild.example.com[:port]"

  std::string user(std::string_view handle) const {
    return origin_ + "/users/" + std::string(handle);
  }
  std::string group(std::string_view handle) const { return origin_ + "/c/" + std::string(handle); }
  std::string instance_actor() const { return origin_ + "/actor"; }
  std::string post(std::string_view id) const { return origin_ + "/posts/" + std::string(id); }
  std::string shared_inbox() const { return origin_ + "/inbox"; }
  // Activities we send (Create, Like, Follow, Undo...), by their Snowflake id.
  std::string activity(std::string_view id) const {
    return origin_ + "/activities/" + std::string(id);
  }

  // Per-actor endpoints hang off the actor id.
  static std::string inbox(std::string_view actor) { return std::string(actor) + "/inbox"; }
  static std::string outbox(std::string_view actor) { return std::string(actor) + "/outbox"; }
  static std::string followers(std::string_view actor) { return std::string(actor) + "/followers"; }
  static std::string following(std::string_view actor) { return std::string(actor) + "/following"; }
  static std::string featured(std::string_view actor) { return std::string(actor) + "/featured"; }
  static std::string moderators(std::string_view actor) {
    return std::string(actor) + "/moderators";
  }
  static std::string key_id(std::string_view actor) { return std::string(actor) + "#main-key"; }
  // FEP-7888: the context collection of one of our threads (Lemmy's layout).
  static std::string context(std::string_view thread) { return std::string(thread) + "/context"; }

  // Uploaded files (media.dir), by their random file name.
  std::string media(std::string_view file_name) const {
    return origin_ + "/media/" + std::string(file_name);
  }

  // Profile pages for people (the web app's routes).
  std::string user_profile(std::string_view handle) const {
    return origin_ + "/@" + std::string(handle);
  }

 private:
  std::string origin_;
};

// Local handles: lowercase ASCII letters, digits and underscore, 1 to 30 characters, the subset
// every peer (Mastodon, Lemmy, Mbin) accepts in preferredUsername and WebFinger.
bool is_valid_local_handle(std::string_view handle);

}  // namespace guildhall::federation
