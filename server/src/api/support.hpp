#pragma once

// The conventions every Mastodon-compatible endpoint shares (docs/api.md): request parameters from
// the query and JSON, form or multipart bodies (Rails-style `a[]` arrays and truthy strings),
// `Link` pagination, error bodies, CORS and rate-limit headers, and the hashes that keep secrets
// out of the database.

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "guildhall/core/result.hpp"
#include "guildhall/server/http/request.hpp"
#include "guildhall/server/http/response.hpp"
#include "guildhall/storage/model.hpp"

namespace guildhall::server::api {

using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// parameters

// The query merged with the body (the body wins), as one JSON object: form and multipart fields
// become strings, `a[]` arrays, `a[b]` nested objects. invalid_input for a malformed body.
core::Result<json> request_params(const http::Request& req);

// A file part of a multipart/form-data body; `bytes` points into the request body.
struct UploadedFile {
  std::string field;     // the form field ("file", "avatar")
  std::string filename;  // as the client named it: shown nowhere, stored nowhere
  std::string_view bytes;
};
// The file parts of the request's multipart body, in order (none for other bodies).
std::vector<UploadedFile> uploaded_files(const http::Request& req);
std::optional<UploadedFile> uploaded_file(const http::Request& req, std::string_view field);

// Rails truthiness: true, 1, on, yes, t (any case) are true; everything else (False, 0) is false.
bool truthy(const json& value);
std::optional<std::string> string_param(const json& params, std::string_view key);
std::optional<bool> bool_param(const json& params, std::string_view key);
// A list given as an array, `key[]`, or one string.
std::vector<std::string> list_param(const json& params, std::string_view key);
// A list of ids (`media_ids[]`): nullopt when the key is absent, invalid_input for a non-id.
core::Result<std::optional<std::vector<storage::Id>>> id_list_param(const json& params,
                                                                    std::string_view key);

// ---------------------------------------------------------------------------------------------
// pagination

// max_id / since_id / min_id / limit as one keyset request. min_id pages forward (oldest first
// from the storage; reverse the result with `reverse`).
struct PageParams {
  storage::PageRequest page{};
  bool reverse = false;  // min_id: storage returned oldest first; show newest first
};
core::Result<PageParams> page_params(const json& params, std::size_t default_limit,
                                     std::size_t max_limit);

// `Link: <...max_id=last>; rel="next", <...min_id=first>; rel="prev"`: `next` first (toot only
// finds it there), nothing for an empty page (Mastodon.py crashes on that). `older_may_exist`
// false (a short page of Guildhall's own API) leaves `next` out, so the web app offers no
// "load more" that would load nothing; Mastodon clients expect `next` on every non-empty page.
void add_link_header(http::Response& res, const std::string& origin, const http::Request& req,
                     std::optional<storage::Id> newest, std::optional<storage::Id> oldest,
                     bool older_may_exist = true);
// For lists paged by position (`page`, 1-based): `next` when there may be more, `prev` after the
// first page.
void add_page_link_header(http::Response& res, const std::string& origin, const http::Request& req,
                          std::size_t page, bool has_next);

// ---------------------------------------------------------------------------------------------
// responses

http::Response api_error(int status, std::string_view message);
// RFC 6749 errors: {"error": code, "error_description": text}.
http::Response oauth_error(int status, std::string_view code, std::string_view description);
// Maps a core::Error the Mastodon way (not_found: "Record not found").
http::Response from_error(const core::Error& error);

// CORS for browser clients (Elk, Phanpy): any origin, the pagination and rate-limit headers
// exposed.
void add_cors_headers(http::Response& res);
http::Response cors_preflight();

// A fixed-window request budget per client (token or address), Mastodon's 300 per 5 minutes.
class RateLimiter {
 public:
  explicit RateLimiter(int limit = 300, std::chrono::seconds window = std::chrono::minutes(5))
      : limit_(limit), window_(window) {}
  // Counts one request; adds the X-RateLimit-* headers; false when over the limit.
  bool admit(const std::string& client, http::Response& headers_out);
  // For budgets of failures: whether the client has any left, and counting one.
  bool has_budget(const std::string& client);
  void charge(const std::string& client);

 private:
  struct Window {
    std::chrono::system_clock::time_point start{};
    int used = 0;
  };
  Window& current(const std::string& client);  // under mutex_; starts a new window when due

  const int limit_;
  const std::chrono::seconds window_;
  std::mutex mutex_;
  std::map<std::string, Window> windows_;
};

// ---------------------------------------------------------------------------------------------
// hashing

std::string sha256_hex(std::string_view text);
// base64url(SHA-256(verifier)) without padding: the PKCE S256 transform.
std::string pkce_s256(std::string_view verifier);
bool constant_time_equal(std::string_view a, std::string_view b);

std::string url_encode(std::string_view text);
// The request's address without its port (rate limits per client).
std::string client_address(const http::Request& req);
// application/x-www-form-urlencoded decoding ('+' is a space).
std::string form_decode(std::string_view text);

}  // namespace guildhall::server::api
