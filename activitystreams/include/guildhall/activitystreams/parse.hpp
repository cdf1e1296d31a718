#pragma once

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

#include "guildhall/activitystreams/object.hpp"
#include "guildhall/core/result.hpp"

namespace guildhall::activitystreams {

// Bounds on untrusted input (security catalogue rule 6, JS-05/09/10/15, RES-10). Exceeding one is
// an error for the whole document, never a silent truncation: a dropped recipient or tag could
// change what the document means. Byte counts are UTF-8 bytes.
struct ParseLimits {
  std::size_t max_depth = 64;                  // JSON nesting (JS-10)
  std::size_t max_activity_nesting = 4;        // Announce(Undo(Like)) is 3 (RES-10)
  std::size_t max_string_bytes = 1024 * 1024;  // any string anywhere in the text
  std::size_t max_content_bytes = 512 * 1024;  // content, contentMap values, source.content
  std::size_t max_summary_bytes = 64 * 1024;   // Lemmy group sidebars live in summary
  std::size_t max_name_bytes = 2048;           // titles, display names, poll options
  std::size_t max_id_bytes = 2048;             // ids and URLs (JS-05)
  std::size_t max_recipients = 1000;           // per to/cc/bto/bcc/audience list (JS-09)
  std::size_t max_tags = 200;                  // tag: hashtags + mentions + emoji
  std::size_t max_attachments = 16;
  std::size_t max_poll_options = 20;  // JS-15
  std::size_t max_list = 1000;        // any other list we normalise (items, object)
  // JS-06: `{"actor": "A", "actor": "B"}` is refused so no other reader can see a different
  // document. Only hand-written test data does this (one Pleroma mock); true means last wins.
  bool allow_duplicate_keys = false;
};

// Parses JSON text under `limits` (depth, string sizes, NUL bytes, duplicate keys and trailing
// garbage are rejected while reading, before any tree deeper than the limit exists), then
// normalises it. The top level must be a JSON object.
core::Result<Object> parse(std::string_view text, const ParseLimits& limits = {});
// Normalises an already-parsed document (its depth is checked first, without recursion). Named
// apart from parse() because a std::string converts to both string_view and json.
core::Result<Object> parse_document(const nlohmann::json& document, const ParseLimits& limits = {});
// Only the bounded JSON reading step, for callers that need the tree itself.
core::Result<nlohmann::json> parse_json(std::string_view text, const ParseLimits& limits = {});

}  // namespace guildhall::activitystreams
