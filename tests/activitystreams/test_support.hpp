#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "guildhall/activitystreams/activitystreams.hpp"

namespace guildhall::activitystreams::testing {

// The shared interop corpus, read in place (never copied or edited).
inline std::filesystem::path fixture_root() {
  return std::filesystem::path(GUILDHALL_SHARED_DIR) / "fixtures" / "activitypub";
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Parses fixtures/activitypub/<relative>; a parse failure fails the calling test.
inline Object load(const std::string& relative) {
  const auto path = fixture_root() / relative;
  const std::string text = read_text(path);
  EXPECT_FALSE(text.empty()) << "missing fixture " << path;
  auto parsed = parse(text);
  if (!parsed.ok()) {
    ADD_FAILURE() << relative << ": " << parsed.error().message;
    return {};
  }
  return std::move(parsed).value();
}

// The embedded object of a Ref, or a failure naming what was expected.
inline const Object& embedded(const Ref& ref) {
  static const Object none;
  if (!ref.get()) {
    ADD_FAILURE() << "expected an embedded object, got id \"" << ref.id() << "\"";
    return none;
  }
  return *ref.get();
}

}  // namespace guildhall::activitystreams::testing
