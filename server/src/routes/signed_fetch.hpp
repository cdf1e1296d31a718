#pragma once

// Signed GETs of our ActivityPub documents: `federation.authorized_fetch` for public ones, and
// private communities, which answer only instances holding accepted members.
//
//   FetchAccess access = co_await check_public_fetch(app, req);
//   if (access.refusal)
//     co_return *access.refusal;                 // 401 / 403 JSON
//   ... access.signer: who asked (nullopt when no signature was required) ...

#include <optional>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "guildhall/federation/authorized_fetch.hpp"
#include "guildhall/server/http/request.hpp"
#include "guildhall/server/http/response.hpp"

#include "../app_context.hpp"

namespace guildhall::server::routes {

struct FetchAccess {
  // The verified signer: the actor whose key signed, and its instance's host.
  std::optional<federation::VerifiedSigner> signer;
  // Set when the request is refused: answer this instead of the document.
  std::optional<http::Response> refusal;
};

// `required`: the request must carry a valid signature from an instance we federate with
// (verified on the blocking pool; the key may be fetched). Not required: nothing is verified.
boost::asio::awaitable<FetchAccess> check_signed_fetch(AppContext& app, http::Request& req,
                                                       bool required);

// Actors (people, groups), their collections and posts: required when
// `federation.authorized_fetch` is on. Discovery documents and the instance actor never call it.
boost::asio::awaitable<FetchAccess> check_public_fetch(AppContext& app, http::Request& req);

// What a community holds (its collections, outbox, posts, media), after check_public_fetch (whose
// `access` is passed on, so a signature is verified once): a public community is readable as is;
// a private one only with a valid signature from an instance where an accepted member lives; a
// local-only one by no other server. Every refusal is 404 `not_found_message`, the answer for
// something that does not exist (a non-member learns nothing). The media route calls it for the
// community a file belongs to.
boost::asio::awaitable<FetchAccess> check_community_fetch(AppContext& app, http::Request& req,
                                                          const storage::CommunityView& group,
                                                          FetchAccess access,
                                                          std::string_view not_found_message);

// A person's post after check_public_fetch: public and unlisted ones as is; a followers-only or
// direct one only with a valid signature from an instance where one of its readers lives (the
// author's accepted follower for followers-only, someone it mentions or addresses for both:
// ClientApiRepo::post_readable_on). Every refusal is 404 `not_found_message`.
boost::asio::awaitable<FetchAccess> check_post_fetch(AppContext& app, http::Request& req,
                                                     const storage::Post& post, FetchAccess access,
                                                     std::string_view not_found_message);

}  // namespace guildhall::server::routes
