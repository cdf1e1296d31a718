// The community API's reads (community_queries.hpp, migration 0009), written once against the
// driver interface. Queries select ids and figures here and load each row through the Tx's own
// repositories, so there is one mapping of a post, a community and a membership.

#include "guildhall/storage/community_queries.hpp"

#include <algorithm>
#include <map>

#include "community_queries_impl.hpp"
#include "repo_context.hpp"

namespace guildhall::storage::detail {

namespace {

using driver::Params;
using driver::Row;

constexpr std::int64_t kDayMillis = 86'400'000;

// A live comment of thread `p`: neither deleted nor removed.
constexpr std::string_view kLiveCommentOfP =
    "c.thread_id = p.id AND c.id <> p.id AND c.deleted_at IS NULL AND c.removed_at IS NULL";

// The figures of threads `p` as a derived table `t` (id, author_id, pinned, published_at,
// comment_count, last_activity, score and, with a reader, read_at and new_comments); the caller
// appends the WHERE conditions on p before closing it with ") t".
std::string summary_select(Params& params, std::optional<Id> reader_id) {
  const std::string live(kLiveCommentOfP);
  std::string sql =
      "SELECT * FROM (SELECT p.id, p.author_id, p.pinned, p.published_at, "
      "(SELECT count(*) FROM posts c WHERE " +
      live +
      ") AS comment_count, "
      "coalesce((SELECT max(c.published_at) FROM posts c WHERE " +
      live +
      "), p.published_at) AS last_activity, "
      "(SELECT count(*) FROM reactions r WHERE r.post_id = p.id AND r.kind = 'like') - "
      "(SELECT count(*) FROM reactions r WHERE r.post_id = p.id AND r.kind = 'dislike') AS score";
  if (reader_id) {
    params.emplace_back(*reader_id);
    const std::string reader = placeholder(params);
    sql += ", tr.read_at, (SELECT count(*) FROM posts c WHERE " + live + " AND c.author_id <> " +
           reader +
           " AND (tr.read_at IS NULL OR c.published_at > tr.read_at)) AS new_comments FROM posts "
           "p LEFT JOIN thread_reads tr ON tr.thread_id = p.id AND tr.actor_id = " +
           reader;
  } else {
    sql += " FROM posts p";
  }
  return sql + " WHERE p.parent_id IS NULL";
}

class CommunityQueryRepoImpl final : public CommunityQueryRepo {
 public:
  CommunityQueryRepoImpl(RepoContext x, Tx& tx) : x_(x), tx_(tx) {}

  Result<std::vector<CommunityView>> directory(const DirectoryQuery& query) override {
    auto ids = x_.read([&]() -> Result<std::vector<Id>> {
      std::string sql =
          "SELECT a.id FROM communities c JOIN actors a ON a.id = c.actor_id WHERE "
          "a.deleted_at IS NULL AND a.suspended_at IS NULL";
      Params params;
      if (query.scope == CommunityScope::local)
        sql += " AND a.domain IS NULL";
      else if (query.scope == CommunityScope::remote)
        sql += " AND a.domain IS NOT NULL";
      if (!query.text.empty()) {
        params.emplace_back(contains_pattern(query.text));
        const std::string p = placeholder(params);
        sql += " AND (lower(a.handle) LIKE " + p +
               " ESCAPE '\\' OR lower(coalesce(a.display_name, "
               "'')) LIKE " +
               p + " ESCAPE '\\' OR lower(c.description_source) LIKE " + p +
               " ESCAPE '\\' OR lower(c.description_html) LIKE " + p + " ESCAPE '\\')";
      }
      if (query.language) {
        params.emplace_back("% " + *query.language + " %");
        sql += " AND (c.languages = '' OR (' ' || c.languages || ' ') LIKE " + placeholder(params) +
               ")";
      }
      if (query.membership != DirectoryMembership::any) {
        params.emplace_back(query.viewer_id);
        sql +=
            " AND EXISTS (SELECT 1 FROM memberships m WHERE m.community_id = c.actor_id AND "
            "m.actor_id = " +
            placeholder(params) + " AND m.state = 'accepted'";
        if (query.membership == DirectoryMembership::managed)
          sql += " AND m.role IN ('owner', 'moderator')";
        sql += ")";
      }
      paginate(sql, params, query.page, "a.id");
      std::vector<Id> out;
      for (auto row : x_.q(sql, params))
        out.push_back(row.i64("id"));
      return out;
    });
    return load_each<CommunityView>(ids, [&](Id id) { return tx_.communities().get(id); });
  }

  Result<std::vector<ThreadSummary>> threads(const ThreadQuery& query) override {
    if (query.community_id.has_value() == query.member_id.has_value())
      return core::Error::invalid_input("threads: give a community or a member, not both");
    if (query.unread_only && !query.reader_id)
      return core::Error::invalid_input("threads: unread_only needs a reader");
    const bool first_page = !query.page.before && !query.page.after && query.offset == 0;
    std::vector<ThreadSummary> out;
    if (query.community_id && first_page) {
      // Pinned threads lead a community's first page, newest first, whatever the sort.
      auto pinned = select(query, true);
      if (!pinned)
        return std::move(pinned).error();
      out = std::move(*pinned);
    }
    auto rest = select(query, query.community_id ? std::optional<bool>(false) : std::nullopt);
    if (!rest)
      return std::move(rest).error();
    out.insert(out.end(), std::make_move_iterator(rest->begin()),
               std::make_move_iterator(rest->end()));
    return out;
  }

  Result<ThreadSummary> thread(Id thread_id, std::optional<Id> reader_id) override {
    auto rows = x_.read([&]() -> Result<std::vector<Figures>> {
      Params params;
      std::string sql = summary_select(params, reader_id);
      params.emplace_back(thread_id);
      sql += " AND p.id = " + placeholder(params) + ") t";
      return figures(sql, params, reader_id);
    });
    if (!rows)
      return std::move(rows).error();
    if (rows->empty())
      return core::Error::not_found("thread not found");
    auto loaded = load(*rows);
    if (!loaded)
      return std::move(loaded).error();
    return std::move(loaded->front());
  }

  Result<TimePoint> mark_read(Id actor_id, Id thread_id) override {
    return x_.write([&]() -> Result<TimePoint> {
      auto thread = x_.q("SELECT parent_id FROM posts WHERE id = $1", {thread_id});
      if (thread.empty() || !thread.front().is_null("parent_id"))
        return core::Error::not_found("thread not found");
      const TimePoint now = x_.now();
      x_.q(
          "INSERT INTO thread_reads (actor_id, thread_id, read_at) VALUES ($1, $2, $3) ON "
          "CONFLICT (actor_id, thread_id) DO UPDATE SET read_at = excluded.read_at",
          {actor_id, thread_id, now});
      return now;
    });
  }

  Result<std::vector<Membership>> managers(Id community_id) override {
    auto ids = x_.read([&]() -> Result<std::vector<Id>> {
      std::vector<Id> out;
      for (auto row : x_.q("SELECT actor_id FROM memberships WHERE community_id = $1 AND state = "
                           "'accepted' AND role IN ('owner', 'moderator') ORDER BY CASE role WHEN "
                           "'owner' THEN 0 ELSE 1 END, id",
                           {community_id}))
        out.push_back(row.i64("actor_id"));
      return out;
    });
    return load_each<Membership>(
        ids, [&](Id actor) { return tx_.memberships().get(community_id, actor); });
  }

  Result<CommunityInsights> insights(Id community_id, TimePoint now, int days) override {
    if (days < 1 || days > 366)
      return core::Error::invalid_input("insights cover 1 to 366 days");
    const std::int64_t now_ms = driver::to_millis(now);
    const std::int64_t last_day = now_ms / kDayMillis;
    const std::int64_t first_day = last_day - days + 1;
    const std::int64_t from_ms = first_day * kDayMillis;
    const std::int64_t to_ms = (last_day + 1) * kDayMillis;
    CommunityInsights out;
    std::vector<std::pair<Id, bool>> unanswered;  // question id, in order of age
    auto figures = x_.read([&]() -> Result<void> {
      auto count = [&](std::string_view sql, const Params& params) {
        return x_.q(sql, params).front().i64("n");
      };
      out.members_total = count(
          "SELECT count(*) AS n FROM memberships WHERE community_id = $1 AND state = 'accepted'",
          {community_id});
      out.members_before_range = count(
          "SELECT count(*) AS n FROM memberships WHERE community_id = $1 AND state = 'accepted' "
          "AND created_at < $2",
          {community_id, from_ms});

      std::map<std::int64_t, InsightsDay> by_day;
      for (std::int64_t d = first_day; d <= last_day; ++d)
        by_day[d].day = d;
      for (auto row : x_.q("SELECT created_at / 86400000 AS day, count(*) AS n FROM memberships "
                           "WHERE community_id = $1 AND state = 'accepted' AND created_at >= $2 "
                           "AND created_at < $3 GROUP BY created_at / 86400000",
                           {community_id, from_ms, to_ms}))
        by_day[row.i64("day")].joined = row.i64("n");
      for (auto row : x_.q("SELECT published_at / 86400000 AS day, sum(CASE WHEN parent_id IS "
                           "NULL THEN 1 ELSE 0 END) AS threads, sum(CASE WHEN parent_id IS NULL "
                           "THEN 0 ELSE 1 END) AS comments FROM posts WHERE community_id = $1 AND "
                           "published_at >= $2 AND published_at < $3 GROUP BY published_at / "
                           "86400000",
                           {community_id, from_ms, to_ms})) {
        auto& day = by_day[row.i64("day")];
        day.threads = row.i64("threads");
        day.comments = row.i64("comments");
      }
      for (auto row : x_.q("SELECT r.created_at / 86400000 AS day, count(*) AS n FROM reactions "
                           "r JOIN posts p ON p.id = r.post_id WHERE p.community_id = $1 AND "
                           "r.created_at >= $2 AND r.created_at < $3 GROUP BY r.created_at / "
                           "86400000",
                           {community_id, from_ms, to_ms}))
        by_day[row.i64("day")].reactions = row.i64("n");
      for (auto& [day, figures] : by_day)
        out.days.push_back(figures);

      const auto active_since = [&](std::int64_t since_ms) {
        return count(
            "SELECT count(DISTINCT actor) AS n FROM (SELECT author_id AS actor FROM posts WHERE "
            "community_id = $1 AND published_at >= $2 AND published_at <= $3 UNION SELECT "
            "r.actor_id AS actor FROM reactions r JOIN posts p ON p.id = r.post_id WHERE "
            "p.community_id = $1 AND r.created_at >= $2 AND r.created_at <= $3) active",
            {community_id, since_ms, now_ms});
      };
      out.active_day = active_since(now_ms - kDayMillis);
      out.active_week = active_since(now_ms - 7 * kDayMillis);
      out.active_month = active_since(now_ms - 30 * kDayMillis);

      for (auto row : x_.q("SELECT r.kind, r.emoji, count(*) AS n FROM reactions r JOIN posts p "
                           "ON p.id = r.post_id WHERE p.community_id = $1 GROUP BY r.kind, "
                           "r.emoji ORDER BY r.kind, r.emoji",
                           {community_id})) {
        ReactionCount c;
        if (!parse(row.text("kind"), c.kind))
          throw driver::DriverError(core::Error::internal("storage: unexpected reaction kind"));
        c.emoji = row.text("emoji");
        c.count = row.i64("n");
        out.reactions.push_back(std::move(c));
      }

      std::vector<std::int64_t> waits;
      for (auto row :
           x_.q("SELECT q.id, q.published_at, q.accepted_answer_id, (SELECT min(c.published_at) "
                "FROM posts c WHERE c.thread_id = q.id AND c.id <> q.id AND c.author_id <> "
                "q.author_id AND c.deleted_at IS NULL AND c.removed_at IS NULL) AS first_answer "
                "FROM posts q WHERE q.community_id = $1 AND q.parent_id IS NULL AND q.is_question "
                "= $2 AND q.deleted_at IS NULL AND q.removed_at IS NULL ORDER BY q.id",
                {community_id, true})) {
        ++out.questions.total;
        if (!row.is_null("accepted_answer_id"))
          ++out.questions.accepted;
        if (auto first = row.opt_i64("first_answer")) {
          ++out.questions.answered;
          waits.push_back(std::max<std::int64_t>(0, *first - row.i64("published_at")));
        } else {
          unanswered.emplace_back(row.i64("id"), true);
        }
      }
      if (!waits.empty()) {
        std::sort(waits.begin(), waits.end());
        const std::size_t mid = waits.size() / 2;
        const std::int64_t median_ms =
            waits.size() % 2 == 1 ? waits[mid] : (waits[mid - 1] + waits[mid]) / 2;
        out.questions.median_seconds_to_first_answer = median_ms / 1000;
      }

      for (auto row :
           x_.q("SELECT a.domain, count(*) AS n FROM memberships m JOIN actors a ON "
                "a.id = m.actor_id WHERE m.community_id = $1 AND m.state = 'accepted' "
                "GROUP BY a.domain ORDER BY count(*) DESC, a.domain IS NOT NULL, a.domain",
                {community_id}))
        out.members_by_instance.push_back({row.opt_text("domain"), row.i64("n")});
      return {};
    });
    if (!figures)
      return std::move(figures).error();
    for (std::size_t i = 0; i < unanswered.size() && i < kUnansweredShown; ++i) {
      auto post = tx_.posts().get(unanswered[i].first);
      if (!post)
        return std::move(post).error();
      out.questions.oldest_unanswered.push_back(std::move(*post));
    }
    return out;
  }

 private:
  static constexpr std::size_t kUnansweredShown = 20;

  // The rows for ids selected here, each loaded through the Tx's own repository.
  template <typename T, typename Get>
  static Result<std::vector<T>> load_each(const Result<std::vector<Id>>& ids, Get get) {
    if (!ids)
      return ids.error();
    std::vector<T> out;
    out.reserve(ids->size());
    for (Id id : *ids) {
      auto row = get(id);
      if (!row)
        return std::move(row).error();
      out.push_back(std::move(*row));
    }
    return out;
  }

  struct Figures {
    Id id = 0;
    std::int64_t comment_count = 0;
    TimePoint last_activity_at{};
    std::int64_t score = 0;
    std::optional<TimePoint> read_at{};
    std::int64_t new_comments = 0;
    bool unread = false;
  };

  std::vector<Figures> figures(const std::string& sql, const Params& params,
                               std::optional<Id> reader_id) {
    std::vector<Figures> out;
    for (auto row : x_.q(sql, params)) {
      Figures f;
      f.id = row.i64("id");
      f.comment_count = row.i64("comment_count");
      f.last_activity_at = row.time("last_activity");
      f.score = row.i64("score");
      if (reader_id) {
        f.read_at = row.opt_time("read_at");
        f.new_comments = row.i64("new_comments");
        // Never opened counts as unread, except one's own thread.
        f.unread = f.new_comments > 0 || (!f.read_at && row.i64("author_id") != *reader_id);
      }
      out.push_back(f);
    }
    return out;
  }

  // One query of the thread list: pinned only, unpinned only, or both (nullopt).
  Result<std::vector<ThreadSummary>> select(const ThreadQuery& query, std::optional<bool> pinned) {
    auto rows = x_.read([&]() -> Result<std::vector<Figures>> {
      Params params;
      std::string sql = summary_select(params, query.reader_id);
      sql += " AND p.deleted_at IS NULL";
      if (!query.include_removed)
        sql += " AND p.removed_at IS NULL";
      if (query.community_id) {
        params.emplace_back(*query.community_id);
        sql += " AND p.community_id = " + placeholder(params);
      } else {
        params.emplace_back(*query.member_id);
        sql += " AND p.community_id IN (SELECT community_id FROM memberships WHERE actor_id = " +
               placeholder(params) + " AND state = 'accepted')";
      }
      if (query.published_since) {
        params.emplace_back(*query.published_since);
        sql += " AND p.published_at >= " + placeholder(params);
      }
      if (pinned) {
        params.emplace_back(*pinned);
        sql += " AND p.pinned = " + placeholder(params);
      }
      sql += ") t WHERE 1 = 1";
      if (query.unread_only) {
        params.emplace_back(*query.reader_id);
        sql += " AND (t.new_comments > 0 OR (t.read_at IS NULL AND t.author_id <> " +
               placeholder(params) + "))";
      }
      if (pinned == true) {
        sql += " ORDER BY t.id DESC";
      } else if (query.sort == ThreadSort::newest) {
        paginate(sql, params, query.page, "t.id");
      } else {
        sql += query.sort == ThreadSort::active ? " ORDER BY t.last_activity DESC, t.id DESC"
                                                : " ORDER BY t.score DESC, t.id DESC";
        params.emplace_back(
            static_cast<std::int64_t>(std::clamp<std::size_t>(query.page.limit, 1, 200)));
        sql += " LIMIT " + placeholder(params);
        params.emplace_back(static_cast<std::int64_t>(query.offset));
        sql += " OFFSET " + placeholder(params);
      }
      return figures(sql, params, query.reader_id);
    });
    if (!rows)
      return std::move(rows).error();
    return load(*rows);
  }

  Result<std::vector<ThreadSummary>> load(const std::vector<Figures>& rows) {
    std::vector<ThreadSummary> out;
    out.reserve(rows.size());
    for (const Figures& f : rows) {
      auto post = tx_.posts().get(f.id);
      if (!post)
        return std::move(post).error();
      ThreadSummary s;
      s.comment_count = f.comment_count;
      s.last_activity_at = f.last_activity_at;
      s.score = f.score;
      s.read_at = f.read_at;
      s.new_comments = f.new_comments;
      s.unread = f.unread;
      s.post = std::move(*post);
      out.push_back(std::move(s));
    }
    return out;
  }

  RepoContext x_;
  Tx& tx_;
};

}  // namespace

std::unique_ptr<CommunityQueryRepo> make_community_query_repo(driver::Connection& connection,
                                                              core::IdGenerator& ids,
                                                              const core::Clock& clock, Tx& tx) {
  return std::make_unique<CommunityQueryRepoImpl>(RepoContext{connection, ids, clock}, tx);
}

}  // namespace guildhall::storage::detail
