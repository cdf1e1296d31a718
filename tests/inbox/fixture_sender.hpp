#pragma once

// Real payloads from the fixture corpus (/work/shared/fixtures), signed with a stub key for their
// actor and received through a lenient Inbox (Lemmy's test data uses http:// ids). Shared by the
// inbox's and the groups' fixture tests.

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include <nlohmann/json.hpp>

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

// One of Mbin's outbox snapshots (ids and dates scrubbed) made receivable: each SCRUBBED_ID gets
// its own id under kbin.test, except the activity's target (its object, inReplyTo, and the id of
// an embedded Tombstone or edited object `object_depth` levels down, 2 for an activity, 3 inside
// an Announce), which becomes `target`; dates become a fixed one.
inline std::string mbin_snapshot(nlohmann::json doc, const std::string& target, int file,
                                 int object_depth) {
  int n = 0;
  // The activity whose object sits at object_depth: a Create's object is new, not the target.
  const nlohmann::json* activity = &doc;
  for (int d = 2; d < object_depth && (*activity)["object"].is_object(); ++d)
    activity = &(*activity)["object"];
  const bool creates = activity->value("type", "") == "Create";
  std::function<void(nlohmann::json&, const std::string&, int)> walk =
      [&](nlohmann::json& v, const std::string& key, int depth) {
        if (v.is_object()) {
          for (auto& [k, child] : v.items())
            walk(child, k, depth + 1);
        } else if (v.is_array()) {
          for (auto& child : v)
            walk(child, key, depth);
        } else if (v == "SCRUBBED_DATE") {
          v = "2026-02-01T00:00:00Z";
        } else if (v == "SCRUBBED_ID") {
          const bool is_target = key == "object" || key == "inReplyTo" ||
                                 (key == "id" && depth == object_depth && !creates);
          v = is_target ? target
                        : "https://kbin.test/f/object/" + std::to_string(file) + "-" +
                              std::to_string(++n);
        }
      };
  walk(doc, "", 0);
  return doc.dump();
}

// Signing and stubbing live in InboxFixture (receive_as_actor, stub_actor); this adds the corpus.
class FixtureSender : public InboxFixture {};

}  // namespace guildhall::federation::inbox::testing
