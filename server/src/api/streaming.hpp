#pragma once

// The streaming API's hub (docs/api.md, "Streaming"): the open streams, what each is subscribed
// to, and the fan-out of the database's change feed (storage/changes.hpp) to them as Mastodon
// events (`update`, `status.update`, `delete`, `notification`). A change is rendered once, on the
// hub's own thread (it reads the database), then queued on every matching stream; a revoked
// token's streams are closed at once.
//
// Framing follows the transport: a WebSocket message is
// {"stream":["public"],"event":"update","payload":"<the Status as a JSON string>"}; an event
// stream gets "event: update\ndata: <the Status>\n\n". `delete` carries the bare id.

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_set>
#include <vector>

#include "guildhall/federation/urls.hpp"
#include "guildhall/server/http/stream.hpp"
#include "guildhall/storage/database.hpp"

namespace guildhall::server::api {

struct StreamKey {
  // "user", "user:notification", "direct", "public", "public:local", "public:remote", "hashtag",
  // "hashtag:local"
  std::string name;
  std::string tag;  // hashtag streams: lowercased, without '#'
  auto operator<=>(const StreamKey&) const = default;
};

// The stream a client named (WebSocket `stream`, or the SSE path with '/' for ':'); nullopt for an
// unknown one or a hashtag stream without a valid tag.
std::optional<StreamKey> parse_stream(std::string_view name, std::string_view tag);

// Who holds a stream: the token (for revocation), its account (user streams) and scopes.
struct StreamViewer {
  storage::Id token_id = 0;  // 0: no token (public streams only)
  std::optional<storage::Id> account{};
  bool admin = false;  // reads private communities' posts, as in the timelines
  std::vector<std::string> scopes{};
  // Guildhall's own notification types the stream asked for (`types[]` when opened): like the
  // notifications list, a Mastodon app never gets a type it does not know.
  std::vector<std::string> guildhall_types{};
};

// Why `viewer` may not read `key` (401/403 wording), or nullopt.
std::optional<std::string> stream_refusal(const StreamViewer& viewer, const StreamKey& key);

class StreamingHub {
 public:
  // Most streams one token may hold open (Mastodon apps open one or two).
  static constexpr std::size_t kMaxStreamsPerToken = 32;

  StreamingHub(storage::Database& db, federation::Urls urls);
  ~StreamingHub();  // unsubscribes, stops the fan-out thread, closes the streams
  StreamingHub(const StreamingHub&) = delete;
  StreamingHub& operator=(const StreamingHub&) = delete;

  // Subscribes to the database's change feed and starts the fan-out thread.
  core::Result<void> start();

  // An opened stream and the streams it starts with (WebSocket ones may have none). The token is
  // checked again on the fan-out thread: a revocation committed between the route's check and
  // this call published its change before the stream was here to be closed by it.
  void attach(const std::shared_ptr<http::StreamChannel>& channel, StreamViewer viewer,
              std::vector<StreamKey> initial);
  void detach(http::StreamChannel& channel);
  // A WebSocket client's {"type":"subscribe"|"unsubscribe","stream":…,"tag":…}; refusals are
  // answered with an {"error": …} message, the connection stays.
  void handle_message(http::StreamChannel& channel, std::string_view text);
  std::size_t streams_of_token(storage::Id token_id) const;
  std::size_t open_streams() const;
  // Changes rendered so far (tests and the benchmark wait on it).
  std::uint64_t changes_processed() const;

 private:
  struct Subscriber {
    std::shared_ptr<http::StreamChannel> channel;
    StreamViewer viewer;
    std::set<StreamKey> streams;
  };
  // One rendered event and who gets it.
  struct Event {
    std::string name;     // "update", "delete", ...
    std::string payload;  // JSON text, or the bare id for delete
  };

  void enqueue(const storage::Change& change);
  void run();
  // Closes the token's streams if it is no longer valid (revoked, its person suspended).
  void check_token(storage::Id token_id);
  void close_streams_of(storage::Id token_id, std::string_view reason);
  void fan_out(const storage::Change& change);
  void post_event(const storage::Change& change);
  void notify(storage::Id row_id);
  void send(Subscriber& subscriber, const StreamKey& key, const Event& event);

  storage::Database& db_;
  const federation::Urls urls_;
  std::optional<storage::ChangeSubscription> subscription_;

  mutable std::mutex subscribers_mutex_;
  std::map<http::StreamChannel*, Subscriber> subscribers_;

  mutable std::mutex queue_mutex_;
  std::condition_variable queue_ready_;
  std::deque<storage::Change> queue_;
  std::vector<storage::Id> tokens_to_check_;  // of streams attached since the last round
  bool stopping_ = false;
  std::uint64_t processed_ = 0;
  std::thread worker_;
};

}  // namespace guildhall::server::api
