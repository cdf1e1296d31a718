#pragma once

// What a hosted (local) community records besides its posts (schema migration 0003):
//
//   CommunityOutboxRepo  the Announces the group sent (its ActivityPub outbox, kept after delivery
//                        so peers that join later can backfill from it);
//   ModerationLogRepo    every moderation action (remove, lock, pin, ban, moderators, join
//                        approvals, settings), readable by the community's members;
//   CommunityReportRepo  reports (Flag) about the community's posts and people.
//
// Like every repository they live inside a transaction (Tx::community_outbox(),
// Tx::moderation_log(), Tx::community_reports()). Every call blocks.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "guildhall/core/result.hpp"
#include "guildhall/storage/model.hpp"
#include "guildhall/storage/repositories.hpp"

namespace guildhall::storage {

struct CommunityActivity {
  Id id = 0;
  Id community_id = 0;
  std::string ap_id{};    // the Announce's id
  std::string kind{};     // the announced activity's type ("Create", "Like", ...)
  std::string payload{};  // the Announce as sent (JSON)
  TimePoint created_at{};
};

struct NewCommunityActivity {
  std::optional<Id> id{};  // nullopt: a fresh Snowflake
  Id community_id = 0;
  std::string ap_id{};
  std::string kind{};
  std::string payload{};
};

class CommunityOutboxRepo {
 public:
  virtual ~CommunityOutboxRepo() = default;
  // already_exists for a known ap_id; invalid_input for an unknown community.
  virtual Result<CommunityActivity> add(const NewCommunityActivity& activity) = 0;
  // Newest first by default; `kind` filters on the announced type.
  virtual Result<std::vector<CommunityActivity>> list(Id community_id,
                                                      std::optional<std::string_view> kind,
                                                      const PageRequest& page) = 0;
  virtual Result<std::int64_t> count(Id community_id, std::optional<std::string_view> kind) = 0;
};

enum class ModerationAction {
  remove_post,
  restore_post,
  lock,
  unlock,
  pin,
  unpin,
  ban,
  unban,
  add_moderator,
  remove_moderator,
  approve_member,
  reject_member,
  update_community,
  resolve_report,
};
std::string_view to_string(ModerationAction v) noexcept;
bool parse(std::string_view text, ModerationAction& out) noexcept;

struct ModerationEntry {
  Id id = 0;
  Id community_id = 0;
  Id moderator_id = 0;  // who acted (local or remote)
  ModerationAction action = ModerationAction::remove_post;
  std::optional<Id> target_actor_id{};  // ban, moderators, join requests
  std::optional<Id> target_post_id{};   // remove, lock, pin
  std::optional<std::string> reason{};
  std::optional<TimePoint> expires_at{};  // a ban's end
  TimePoint created_at{};
};

struct NewModerationEntry {
  Id community_id = 0;
  Id moderator_id = 0;
  ModerationAction action = ModerationAction::remove_post;
  std::optional<Id> target_actor_id{};
  std::optional<Id> target_post_id{};
  std::optional<std::string> reason{};
  std::optional<TimePoint> expires_at{};
};

class ModerationLogRepo {
 public:
  virtual ~ModerationLogRepo() = default;
  // invalid_input for an unknown community, moderator or target.
  virtual Result<ModerationEntry> add(const NewModerationEntry& entry) = 0;
  // Newest first by default.
  virtual Result<std::vector<ModerationEntry>> list(Id community_id, const PageRequest& page) = 0;
};

struct CommunityReport {
  Id id = 0;
  Id community_id = 0;
  Id reporter_id = 0;
  std::optional<Id> post_id{};
  std::optional<Id> target_actor_id{};  // the reported person (the post's author, or named)
  std::optional<std::string> ap_id{};   // the Flag's id
  std::optional<std::string> reason{};
  TimePoint created_at{};
  std::optional<TimePoint> resolved_at{};
  std::optional<Id> resolved_by{};
  std::optional<Id> assigned_to{};  // the admin who took it on (migration 0012)
};

struct NewCommunityReport {
  Id community_id = 0;
  Id reporter_id = 0;
  std::optional<Id> post_id{};
  std::optional<Id> target_actor_id{};
  std::optional<std::string> ap_id{};
  std::optional<std::string> reason{};
};

enum class ReportState { any, open, resolved };

class CommunityReportRepo {
 public:
  virtual ~CommunityReportRepo() = default;
  // already_exists for a known ap_id; invalid_input for unknown rows referenced.
  virtual Result<CommunityReport> add(const NewCommunityReport& report) = 0;
  virtual Result<CommunityReport> get(Id id) = 0;
  // Newest first by default; `open_only` leaves out resolved ones.
  virtual Result<std::vector<CommunityReport>> list(Id community_id, bool open_only,
                                                    const PageRequest& page) = 0;
  // not_found for an unknown id; resolving twice keeps the first resolution.
  virtual Result<CommunityReport> resolve(Id id, Id moderator_id) = 0;
  // Every community's reports (the admin API's queue), newest first by default.
  virtual Result<std::vector<CommunityReport>> list_all(ReportState state,
                                                        const PageRequest& page) = 0;
  // Clears the resolution; not_found for an unknown id.
  virtual Result<CommunityReport> reopen(Id id) = 0;
  // Who handles it (nullopt: nobody); not_found for an unknown id.
  virtual Result<CommunityReport> assign(Id id, std::optional<Id> admin_id) = 0;
};

}  // namespace guildhall::storage
