#pragma once

#include <memory>

#include "guildhall/storage/media.hpp"

#include "repo_context.hpp"

namespace guildhall::storage::detail {

// Uploaded media over one transaction's connection (media.cpp).
std::unique_ptr<MediaRepo> make_media_repo(const RepoContext& context);

}  // namespace guildhall::storage::detail
