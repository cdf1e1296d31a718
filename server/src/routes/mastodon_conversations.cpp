// Mastodon API: conversations, the caller's direct threads (storage::ClientApiRepo::conversations):
// list them, mark one read, hide one until a newer direct post arrives.
#include "guildhall/core/id.hpp"

#include "../api/endpoint.hpp"
#include "../api/entities.hpp"
#include "../api/lists.hpp"

namespace guildhall::server::api {

namespace {

using core::Result;
using http::Response;
using http::Verb;
using storage::Id;
using storage::Tx;

Response conversations(Call& call) {
  return paged_response(
      call, 20, 40,
      [&](Tx& tx, const storage::PageRequest& page) -> Result<std::vector<std::pair<Id, json>>> {
        auto rows = tx.client_api().conversations(call.me(), page);
        if (!rows)
          return std::move(rows).error();
        std::vector<std::pair<Id, json>> out;
        for (const auto& c : *rows)
          out.emplace_back(c.last_post_id, conversation_json(tx, call.app().urls, c, call.me()));
        return out;
      });
}

Response read_conversation(Call& call) {
  const Id id = path_id(call).value();
  return write_json(call, [&](Tx& tx) -> Result<json> {
    auto c = tx.client_api().mark_conversation_read(call.me(), id);
    if (!c)
      return std::move(c).error();
    return conversation_json(tx, call.app().urls, *c, call.me());
  });
}

Response hide_conversation(Call& call) {
  const Id id = path_id(call).value();
  return write_json(call, [&](Tx& tx) -> Result<json> {
    if (auto hidden = tx.client_api().hide_conversation(call.me(), id); !hidden)
      return std::move(hidden).error();
    return json::object();
  });
}

}  // namespace

void register_mastodon_conversations(http::Router& router, const std::shared_ptr<ApiContext>& ctx) {
  const RouteTable table{router, ctx};
  table.add(Verb::get, "/api/v1/conversations", "api_conversations", user_scope("read:statuses"),
            conversations);
  table.add(Verb::post, "/api/v1/conversations/{id}/read", "api_conversations_read",
            user_scope("write:conversations"), read_conversation);
  table.add(Verb::delete_, "/api/v1/conversations/{id}", "api_conversations_delete",
            user_scope("write:conversations"), hide_conversation);
}

}  // namespace guildhall::server::api
