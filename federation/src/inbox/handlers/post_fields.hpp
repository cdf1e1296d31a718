#pragma once

// Converting a remote content object (Note, Page, Article, Question) into post fields; shared by
// Create and Update. Remote HTML is sanitized here, on ingest (catalogue rule 9).

#include <string>
#include <vector>

#include "handler.hpp"

namespace guildhall::federation::inbox::detail {

struct PostFields {
  std::optional<std::string> title;
  std::string content_html;
  std::optional<std::string> summary;
  std::optional<std::string> language;
  bool sensitive = false;
  std::optional<std::string> url;
  bool is_question = false;
  std::vector<storage::Attachment> attachments;
};

PostFields post_fields(const as::Object& object);

// The row for a remote post by ctx.actor: post_fields, not local, published clamped to now
// (JS-11: a future date would otherwise pin the post on top). The caller sets parent/community.
storage::NewPost new_remote_post(const HandlerContext& ctx, const as::Object& object);

// The checks shared by Create and Update (catalogue 2.2): the object is embedded, has an id on
// the actor's origin (not ours), and its one author is the actor.
core::Result<void> check_owned_object(HandlerContext& ctx, const as::Object& object);

}  // namespace guildhall::federation::inbox::detail
