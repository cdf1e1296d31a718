#pragma once

// The community API's entities (docs/api.md, "Community API") built from our rows, and the
// request parsing its routes share. Renderers read inside the caller's transaction and throw
// core::ErrorException (via .value()) on a storage error, like api/entities.hpp.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "guildhall/federation/community_service.hpp"
#include "guildhall/storage/database.hpp"

#include "../api/endpoint.hpp"

namespace guildhall::server::api {

using nlohmann::json;

json person_json(const federation::Urls& urls, const storage::Actor& actor);
json person_json(storage::Tx& tx, const federation::Urls& urls, storage::Id actor_id);
// `with_managers`: the owner and moderators (GET /communities/{id}, create, settings).
json community_json(storage::Tx& tx, const ApiContext& ctx, const storage::CommunityView& group,
                    storage::Id viewer, bool with_managers);
json membership_json(storage::Tx& tx, const federation::Urls& urls, const storage::Membership& m);
json reactions_json(storage::Tx& tx, storage::Id post_id, storage::Id viewer);
// A thread; removed content is shown to managers only. `read` is null without read state.
json thread_json(storage::Tx& tx, const ApiContext& ctx, const storage::ThreadSummary& thread,
                 storage::Id viewer, bool can_manage, bool with_read_state);
// A comment without its replies (the tree builder adds them).
json comment_json(storage::Tx& tx, const federation::Urls& urls, const storage::Post& comment,
                  storage::Id viewer, bool can_manage, std::optional<storage::Id> accepted_answer);
json report_json(storage::Tx& tx, const federation::Urls& urls,
                 const storage::CommunityReport& report);
json moderation_entry_json(storage::Tx& tx, const federation::Urls& urls,
                           const storage::ModerationEntry& entry);
json insights_json(storage::Tx& tx, const federation::Urls& urls, storage::Id community_id,
                   const storage::CommunityInsights& insights);

// The community a path's {id} names, readable by the caller (404 otherwise).
core::Result<storage::CommunityView> readable_community(const Call& call, storage::Tx& tx);
// The answer to a post action: the post as a Thread or a Comment, read after the action.
http::Response post_response(Call& call, storage::Id post_id);

// The community API's routes (routes/community_*.cpp).
void register_community_directory(http::Router& router, const std::shared_ptr<ApiContext>& ctx);
void register_community_threads(http::Router& router, const std::shared_ptr<ApiContext>& ctx);
void register_community_moderation(http::Router& router, const std::shared_ptr<ApiContext>& ctx);
void register_community_account(http::Router& router, const std::shared_ptr<ApiContext>& ctx);

inline constexpr const char* kCommunityApi = "/api/guildhall/v1";

}  // namespace guildhall::server::api
