#pragma once

// Real payloads from the fixture corpus (/work/shared/fixtures), signed with a stub key for their
// actor and received through a lenient Inbox (Lemmy's test data uses http:// ids). Shared by the
// inbox's and the groups' fixture tests.

#include <filesystem>
#include <fstream>
#include <sstream>

#include "inbox_fixture.hpp"

namespace guildhall::federation::inbox::testing {

inline const std::filesystem::path kFixtures =
    std::filesystem::path(GUILDHALL_SHARED_DIR) / "fixtures" / "activitypub";

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Signing and stubbing live in InboxFixture (receive_as_actor, stub_actor); this adds the corpus.
class FixtureSender : public InboxFixture {};

}  // namespace guildhall::federation::inbox::testing
