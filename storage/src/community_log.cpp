// The hosted-community records (migration 0003), written once against the driver interface like
// repositories.cpp.

#include "guildhall/storage/community_log.hpp"

#include <algorithm>
#include <array>

#include "community_log_impl.hpp"
#include "repo_context.hpp"

namespace guildhall::storage {

namespace {

constexpr std::array<std::pair<ModerationAction, std::string_view>, 14> kActions{{
    {ModerationAction::remove_post, "remove_post"},
    {ModerationAction::restore_post, "restore_post"},
    {ModerationAction::lock, "lock"},
    {ModerationAction::unlock, "unlock"},
    {ModerationAction::pin, "pin"},
    {ModerationAction::unpin, "unpin"},
    {ModerationAction::ban, "ban"},
    {ModerationAction::unban, "unban"},
    {ModerationAction::add_moderator, "add_moderator"},
    {ModerationAction::remove_moderator, "remove_moderator"},
    {ModerationAction::approve_member, "approve_member"},
    {ModerationAction::reject_member, "reject_member"},
    {ModerationAction::update_community, "update_community"},
    {ModerationAction::resolve_report, "resolve_report"},
}};

}  // namespace

std::string_view to_string(ModerationAction v) noexcept {
  for (const auto& [action, name] : kActions)
    if (action == v)
      return name;
  return "remove_post";
}

bool parse(std::string_view text, ModerationAction& out) noexcept {
  for (const auto& [action, name] : kActions) {
    if (name == text) {
      out = action;
      return true;
    }
  }
  return false;
}

namespace detail {

namespace {

using driver::DriverError;
using driver::Params;
using driver::Row;
using driver::Rows;

// Keyset bounds, order and limit (the limit clamped to [1, 200] like every list).
void page_clause(std::string& sql, Params& params, const PageRequest& page) {
  if (page.before) {
    params.emplace_back(*page.before);
    sql += " AND id < $" + std::to_string(params.size());
  }
  if (page.after) {
    params.emplace_back(*page.after);
    sql += " AND id > $" + std::to_string(params.size());
  }
  params.emplace_back(static_cast<std::int64_t>(std::clamp<std::size_t>(page.limit, 1, 200)));
  sql += std::string(" ORDER BY id ") + (page.oldest_first ? "ASC" : "DESC") + " LIMIT $" +
         std::to_string(params.size());
}

CommunityActivity activity_from(const Row& r) {
  return {r.i64("id"),    r.i64("community_id"), r.text("ap_id"),
          r.text("kind"), r.text("payload"),     r.time("created_at")};
}

ModerationEntry entry_from(const Row& r) {
  ModerationEntry e;
  e.id = r.i64("id");
  e.community_id = r.i64("community_id");
  e.moderator_id = r.i64("moderator_id");
  if (!parse(r.text("action"), e.action))
    throw DriverError(core::Error::internal("storage: unexpected moderation action"));
  e.target_actor_id = r.opt_i64("target_actor_id");
  e.target_post_id = r.opt_i64("target_post_id");
  e.reason = r.opt_text("reason");
  e.expires_at = r.opt_time("expires_at");
  e.created_at = r.time("created_at");
  return e;
}

class CommunityOutboxRepoImpl final : public CommunityOutboxRepo {
 public:
  explicit CommunityOutboxRepoImpl(RepoContext x) : x_(x) {}

  Result<CommunityActivity> add(const NewCommunityActivity& a) override {
    return x_.write([&]() -> Result<CommunityActivity> {
      try {
        return activity_from(
            x_.q("INSERT INTO community_activities (id, community_id, ap_id, kind, payload, "
                 "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *",
                 {a.id ? *a.id : x_.ids.next(), a.community_id, a.ap_id, a.kind, a.payload,
                  x_.now()})
                .front());
      } catch (const DriverError& e) {
        if (e.error().kind == core::ErrorKind::invalid_input)
          return core::Error::invalid_input("no such community");
        throw;
      }
    });
  }

  Result<std::vector<CommunityActivity>> list(Id community_id, std::optional<std::string_view> kind,
                                              const PageRequest& page) override {
    return x_.read([&]() -> Result<std::vector<CommunityActivity>> {
      std::string sql = "SELECT * FROM community_activities WHERE community_id = $1";
      Params params{community_id};
      if (kind) {
        params.emplace_back(*kind);
        sql += " AND kind = $2";
      }
      page_clause(sql, params, page);
      std::vector<CommunityActivity> out;
      for (auto row : x_.q(sql, params))
        out.push_back(activity_from(row));
      return out;
    });
  }

  Result<std::int64_t> count(Id community_id, std::optional<std::string_view> kind) override {
    return x_.read([&]() -> Result<std::int64_t> {
      std::string sql = "SELECT COUNT(*) AS n FROM community_activities WHERE community_id = $1";
      Params params{community_id};
      if (kind) {
        params.emplace_back(*kind);
        sql += " AND kind = $2";
      }
      return x_.q(sql, params).front().i64("n");
    });
  }

 private:
  RepoContext x_;
};

class ModerationLogRepoImpl final : public ModerationLogRepo {
 public:
  explicit ModerationLogRepoImpl(RepoContext x) : x_(x) {}

  Result<ModerationEntry> add(const NewModerationEntry& e) override {
    return x_.write([&]() -> Result<ModerationEntry> {
      if (e.reason && e.reason->size() > 4096)
        return core::Error::invalid_input("a moderation reason may have at most 4096 bytes");
      try {
        auto entry = entry_from(
            x_.q("INSERT INTO moderation_log (id, community_id, moderator_id, action, "
                 "target_actor_id, target_post_id, reason, expires_at, created_at) VALUES ($1, "
                 "$2, $3, $4, $5, $6, $7, $8, $9) RETURNING *",
                 {x_.ids.next(), e.community_id, e.moderator_id, to_string(e.action),
                  e.target_actor_id, e.target_post_id, e.reason, e.expires_at, x_.now()})
                .front());
        x_.record(ChangeKind::moderation_logged, entry.id);
        return entry;
      } catch (const DriverError& err) {
        if (err.error().kind == core::ErrorKind::invalid_input)
          return core::Error::invalid_input("unknown community, moderator or target");
        throw;
      }
    });
  }

  Result<std::vector<ModerationEntry>> list(Id community_id, const PageRequest& page) override {
    return x_.read([&]() -> Result<std::vector<ModerationEntry>> {
      std::string sql = "SELECT * FROM moderation_log WHERE community_id = $1";
      Params params{community_id};
      page_clause(sql, params, page);
      std::vector<ModerationEntry> out;
      for (auto row : x_.q(sql, params))
        out.push_back(entry_from(row));
      return out;
    });
  }

 private:
  RepoContext x_;
};

CommunityReport report_from(const Row& r) {
  CommunityReport c;
  c.id = r.i64("id");
  c.community_id = r.i64("community_id");
  c.reporter_id = r.i64("reporter_id");
  c.post_id = r.opt_i64("post_id");
  c.target_actor_id = r.opt_i64("target_actor_id");
  c.ap_id = r.opt_text("ap_id");
  c.reason = r.opt_text("reason");
  c.created_at = r.time("created_at");
  c.resolved_at = r.opt_time("resolved_at");
  c.resolved_by = r.opt_i64("resolved_by");
  c.assigned_to = r.opt_i64("assigned_to");
  return c;
}

class CommunityReportRepoImpl final : public CommunityReportRepo {
 public:
  explicit CommunityReportRepoImpl(RepoContext x) : x_(x) {}

  Result<CommunityReport> add(const NewCommunityReport& r) override {
    return x_.write([&]() -> Result<CommunityReport> {
      if (r.reason && r.reason->size() > 4096)
        return core::Error::invalid_input("a report reason may have at most 4096 bytes");
      try {
        auto report = report_from(
            x_.q("INSERT INTO community_reports (id, community_id, reporter_id, post_id, "
                 "target_actor_id, ap_id, reason, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
                 "$8) RETURNING *",
                 {x_.ids.next(), r.community_id, r.reporter_id, r.post_id, r.target_actor_id,
                  r.ap_id, r.reason, x_.now()})
                .front());
        x_.record(ChangeKind::report_filed, report.id);
        return report;
      } catch (const DriverError& e) {
        if (e.error().kind == core::ErrorKind::invalid_input)
          return core::Error::invalid_input("unknown community, reporter, post or person");
        throw;
      }
    });
  }

  Result<CommunityReport> get(Id id) override {
    return x_.read([&]() -> Result<CommunityReport> {
      auto rows = x_.q("SELECT * FROM community_reports WHERE id = $1", {id});
      if (rows.empty())
        return core::Error::not_found("no such report");
      return report_from(rows.front());
    });
  }

  Result<std::vector<CommunityReport>> list(Id community_id, bool open_only,
                                            const PageRequest& page) override {
    return x_.read([&]() -> Result<std::vector<CommunityReport>> {
      std::string sql = "SELECT * FROM community_reports WHERE community_id = $1";
      if (open_only)
        sql += " AND resolved_at IS NULL";
      Params params{community_id};
      page_clause(sql, params, page);
      std::vector<CommunityReport> out;
      for (auto row : x_.q(sql, params))
        out.push_back(report_from(row));
      return out;
    });
  }

  Result<std::vector<CommunityReport>> list_all(ReportState state,
                                                const PageRequest& page) override {
    return x_.read([&]() -> Result<std::vector<CommunityReport>> {
      std::string sql = "SELECT * FROM community_reports WHERE 1 = 1";
      if (state == ReportState::open)
        sql += " AND resolved_at IS NULL";
      else if (state == ReportState::resolved)
        sql += " AND resolved_at IS NOT NULL";
      Params params;
      page_clause(sql, params, page);
      std::vector<CommunityReport> out;
      for (auto row : x_.q(sql, params))
        out.push_back(report_from(row));
      return out;
    });
  }

  Result<CommunityReport> reopen(Id id) override {
    return x_.write([&]() -> Result<CommunityReport> {
      return one_report(
          x_.q("UPDATE community_reports SET resolved_at = NULL, resolved_by = NULL WHERE id = $1 "
               "RETURNING *",
               {id}));
    });
  }

  Result<CommunityReport> assign(Id id, std::optional<Id> admin_id) override {
    return x_.write([&]() -> Result<CommunityReport> {
      return one_report(
          x_.q("UPDATE community_reports SET assigned_to = $2 WHERE id = $1 RETURNING *",
               {id, admin_id}));
    });
  }

  Result<CommunityReport> resolve(Id id, Id moderator_id) override {
    return x_.write([&]() -> Result<CommunityReport> {
      auto rows = x_.q(
          "UPDATE community_reports SET resolved_at = COALESCE(resolved_at, $2), resolved_by = "
          "COALESCE(resolved_by, $3) WHERE id = $1 RETURNING *",
          {id, x_.now(), moderator_id});
      if (rows.empty())
        return core::Error::not_found("no such report");
      return report_from(rows.front());
    });
  }

 private:
  static Result<CommunityReport> one_report(const Rows& rows) {
    if (rows.empty())
      return core::Error::not_found("no such report");
    return report_from(rows.front());
  }

  RepoContext x_;
};

}  // namespace

std::unique_ptr<CommunityReportRepo> make_community_report_repo(const RepoContext& context) {
  return std::make_unique<CommunityReportRepoImpl>(context);
}

std::unique_ptr<CommunityOutboxRepo> make_community_outbox_repo(driver::Connection& connection,
                                                                core::IdGenerator& ids,
                                                                const core::Clock& clock) {
  return std::make_unique<CommunityOutboxRepoImpl>(RepoContext{connection, ids, clock});
}

std::unique_ptr<ModerationLogRepo> make_moderation_log_repo(const RepoContext& context) {
  return std::make_unique<ModerationLogRepoImpl>(context);
}

}  // namespace detail

}  // namespace guildhall::storage
