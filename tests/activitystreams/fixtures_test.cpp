// Every file of the shared interop corpus must parse, keep its declared type, and survive our
// own serialisation unchanged (parse(to_json(parse(f))) == parse(f)).
#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace as = guildhall::activitystreams;
namespace fs = std::filesystem;
using as::testing::fixture_root;
using as::testing::read_text;

namespace {

// Files that are documentation, not payloads; anything else that is not .json is a surprise.
const std::set<std::string> kSkippedExtensions = {".md"};

// Rejected by default on purpose; each must still parse once the named rule is relaxed.
const std::set<std::string> kRejectedByDefault = {
    // Pleroma test mock with `closed` and `content` twice (JS-06 duplicate keys).
    "from-pleroma-repo/fixtures/tesla_mock/poll_attachment.json",
};

as::ParseLimits relaxed_for(const fs::path& path) {
  as::ParseLimits limits;
  limits.allow_duplicate_keys =
      kRejectedByDefault.count(fs::relative(path, fixture_root()).string());
  return limits;
}

std::vector<fs::path> fixture_files() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(fixture_root())) {
    if (entry.is_regular_file())
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string rel(const fs::path& p) {
  return fs::relative(p, fixture_root()).string();
}

}  // namespace

TEST(Fixtures, EveryJsonFileParses) {
  std::size_t parsed = 0;
  std::vector<std::string> failures;
  for (const auto& path : fixture_files()) {
    const std::string ext = path.extension().string();
    if (kSkippedExtensions.count(ext))
      continue;
    if (ext != ".json") {
      ADD_FAILURE() << "unexpected non-JSON fixture " << rel(path);
      continue;
    }
    const std::string text = read_text(path);
    auto result = as::parse(text);
    if (kRejectedByDefault.count(rel(path))) {
      EXPECT_FALSE(result.ok()) << rel(path) << " is expected to be rejected by default";
      result = as::parse(text, relaxed_for(path));
    }
    if (!result.ok()) {
      failures.push_back(rel(path) + ": " + result.error().message);
      continue;
    }
    ++parsed;
  }
  for (const auto& f : failures)
    ADD_FAILURE() << f;
  EXPECT_EQ(parsed, 414u) << "the README promises 414 JSON files";
}

TEST(Fixtures, KnownTypeStringsMapToTheirKind) {
  for (const auto& path : fixture_files()) {
    if (path.extension() != ".json")
      continue;
    const auto doc = as::parse_json(read_text(path), relaxed_for(path));
    ASSERT_TRUE(doc.ok()) << rel(path);
    auto obj = as::parse_document(*doc);
    ASSERT_TRUE(obj.ok()) << rel(path) << ": " << obj.error().message;
    const auto type = doc->find("type");
    if (type == doc->end() || !type->is_string())
      continue;
    const std::string name = type->get<std::string>();
    const as::Kind expected = as::kind_from_string(name);
    EXPECT_EQ(obj->kind, expected) << rel(path);
    EXPECT_EQ(obj->type_name(), name) << rel(path);
    if (expected == as::Kind::unknown) {
      EXPECT_EQ(obj->other_types, std::vector<std::string>{name}) << rel(path);
    }
  }
}

TEST(Fixtures, EveryFixtureRoundTripsThroughOurSerialiser) {
  for (const auto& path : fixture_files()) {
    if (path.extension() != ".json")
      continue;
    auto first = as::parse(read_text(path), relaxed_for(path));
    ASSERT_TRUE(first.ok()) << rel(path);
    const std::string text = as::serialize(*first);
    auto second = as::parse(text);
    ASSERT_TRUE(second.ok()) << rel(path) << ": " << second.error().message;
    EXPECT_TRUE(*first == *second) << rel(path) << "\n" << text;
  }
}

TEST(Fixtures, TextAndTreeEntryPointsAgree) {
  for (const auto& path : fixture_files()) {
    if (path.extension() != ".json")
      continue;
    const std::string text = read_text(path);
    auto from_text = as::parse(text, relaxed_for(path));
    auto from_tree = as::parse_document(nlohmann::json::parse(text));
    ASSERT_TRUE(from_text.ok() && from_tree.ok()) << rel(path);
    EXPECT_TRUE(*from_text == *from_tree) << rel(path);
    EXPECT_EQ(from_text->raw, from_tree->raw) << rel(path);
  }
}

// JS-12 on real shapes: every top-level property (and the embedded object's) replaced by values
// of the wrong shape, and every document cut short, must give a Result, never a crash.
TEST(Fixtures, ShapeMutationsAndTruncationsNeverCrash) {
  const std::vector<nlohmann::json> replacements = {
      nullptr,
      -1,
      true,
      "as:Public",
      nlohmann::json::object(),
      nlohmann::json::array({nullptr, 1.5, "", nlohmann::json::array(), nlohmann::json::object()})};
  std::size_t attempts = 0;
  for (const auto& path : fixture_files()) {
    if (path.extension() != ".json")
      continue;
    const std::string text = read_text(path);
    auto doc = as::parse_json(text, relaxed_for(path));
    ASSERT_TRUE(doc.ok()) << rel(path);
    auto mutate_keys_of = [&](nlohmann::json& target) {
      if (!target.is_object())
        return;
      std::vector<std::string> keys;
      for (const auto& item : target.items())
        keys.push_back(item.key());
      for (const auto& key : keys) {
        const nlohmann::json saved = target[key];
        for (const auto& replacement : replacements) {
          target[key] = replacement;
          (void)as::parse_document(*doc);
          ++attempts;
        }
        target[key] = nlohmann::json::array({saved, saved});  // a value sent twice
        (void)as::parse_document(*doc);
        target[key] = saved;
      }
    };
    mutate_keys_of(*doc);
    if (doc->contains("object"))
      mutate_keys_of((*doc)["object"]);
    for (std::size_t cut = 1; cut < 8; ++cut)
      EXPECT_FALSE(as::parse(text.substr(0, text.size() * cut / 8)).ok()) << rel(path);
  }
  EXPECT_GT(attempts, 5000u);
}
