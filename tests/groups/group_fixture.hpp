#pragma once

// The inbox fixture (us.example: local dave and erin; remote alice@a.example, bob@b.example) plus
// a community hosted here and what the group sends: deliveries are taken straight from the queue
// (claimed and completed), which records exactly what the delivery worker would POST.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "guildhall/federation/groups/engine.hpp"
#include "guildhall/federation/outbox/communities.hpp"

#include "inbox_fixture.hpp"

namespace guildhall::federation::groups::testing {

using inbox::testing::kAlice;
using inbox::testing::kBob;
using inbox::testing::kDave;
using inbox::testing::kErin;
using inbox::testing::kOrigin;
using nlohmann::json;
namespace sig = guildhall::federation::signatures;

struct Sent {
  std::string inbox;
  json body;
};

// Claims and completes every queued delivery: what the delivery worker would have POSTed.
inline std::vector<Sent> take_queued(storage::Database& db, core::TimePoint now) {
  auto jobs = db.transact([&](storage::Tx& tx) {
                  storage::ClaimRequest request;
                  request.owner = "test";
                  request.now = now + std::chrono::hours(1);
                  request.limit = 1000;
                  request.per_host_limit = 1000;
                  return tx.delivery_queue().claim(request);
                }).value();
  std::vector<Sent> out;
  std::vector<storage::Id> ids;
  for (const auto& job : jobs) {
    out.push_back({job.inbox_url, json::parse(job.payload)});
    ids.push_back(job.id);
  }
  db.transact([&](storage::Tx& tx) { return tx.delivery_queue().complete(ids); }).value();
  return out;
}

class GroupFixture : public inbox::testing::InboxFixture {
 protected:
  GroupFixture() : communities_(*db_, urls_) {}

  storage::CommunityView make_group(const std::string& handle, outbox::CommunityInput input = {}) {
    input.handle = handle;
    if (input.title.empty())
      input.title = "The " + handle;
    return communities_.create(dave_.id, input).value();
  }

  std::string group_id(const std::string& handle) const { return kOrigin + "/c/" + handle; }

  // Everything queued since the last call, in queue order.
  std::vector<Sent> sent() { return take_queued(*db_, clock_.now()); }

  static std::vector<Sent> of_type(const std::vector<Sent>& all, const std::string& type,
                                   const std::string& inner_type = "") {
    std::vector<Sent> out;
    for (const auto& s : all) {
      if (s.body.value("type", "") != type)
        continue;
      if (!inner_type.empty() &&
          (!s.body["object"].is_object() || s.body["object"].value("type", "") != inner_type))
        continue;
      out.push_back(s);
    }
    return out;
  }

  // A signed POST to the shared inbox, then the processor: the receive status.
  int send(const json& activity, const std::string& signer = kAlice,
           const std::string& target = "/inbox") {
    auto r = post(activity.dump(), signer, target);
    processor_->process_due();
    return r.ok() ? 202 : inbox::http_status(r.error());
  }

  storage::Membership membership(const storage::CommunityView& group, storage::Id actor) {
    return db_->read([&](storage::Tx& tx) { return tx.memberships().get(group.actor.id, actor); })
        .value();
  }
  bool has_membership(const storage::CommunityView& group, storage::Id actor) {
    return db_->read([&](storage::Tx& tx) { return tx.memberships().get(group.actor.id, actor); })
        .ok();
  }
  std::vector<storage::ModerationEntry> modlog(const storage::CommunityView& group) {
    return db_
        ->read([&](storage::Tx& tx) {
          return tx.moderation_log().list(group.actor.id, storage::PageRequest{});
        })
        .value();
  }
  std::int64_t outbox_count(const storage::CommunityView& group) {
    return db_
        ->read([&](storage::Tx& tx) {
          return tx.community_outbox().count(group.actor.id, std::nullopt);
        })
        .value();
  }
  storage::Post post_row(storage::Id id) {
    return db_->read([&](storage::Tx& tx) { return tx.posts().get(id); }).value();
  }

  static json activity(const std::string& type, const std::string& id, const std::string& actor,
                       json object) {
    return json{{"@context", "https://www.w3.org/ns/activitystreams"},
                {"id", id},
                {"type", type},
                {"actor", actor},
                {"object", std::move(object)}};
  }

  // Lemmy's Create(Page) into a group.
  static json create_page(const std::string& id, const std::string& author,
                          const std::string& group, const std::string& title) {
    json page{{"id", id},
              {"type", "Page"},
              {"attributedTo", author},
              {"to", {group, "https://www.w3.org/ns/activitystreams#Public"}},
              {"audience", group},
              {"name", title},
              {"content", "<p>Body of " + title + "</p>"},
              {"mediaType", "text/html"},
              {"source", {{"content", "Body of " + title}, {"mediaType", "text/markdown"}}}};
    json create = activity("Create", id + "/create", author, page);
    create["to"] = {"https://www.w3.org/ns/activitystreams#Public"};
    create["cc"] = {group};
    create["audience"] = group;
    return create;
  }

  static json create_comment(const std::string& id, const std::string& author,
                             const std::string& group, const std::string& in_reply_to) {
    json note{{"id", id},
              {"type", "Note"},
              {"attributedTo", author},
              {"to", {group, "https://www.w3.org/ns/activitystreams#Public"}},
              {"audience", group},
              {"inReplyTo", in_reply_to},
              {"content", "<p>a comment</p>"}};
    json create = activity("Create", id + "/create", author, note);
    create["to"] = {"https://www.w3.org/ns/activitystreams#Public"};
    create["cc"] = {group};
    return create;
  }

  outbox::Communities communities_;
};

}  // namespace guildhall::federation::groups::testing
