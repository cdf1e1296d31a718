// Bounded JSON reading: a SAX handler that builds the tree itself so that depth, string size,
// NUL bytes and duplicate keys are checked while reading, before anything too deep exists.
// nlohmann's own parser is iterative, so a 100,000-deep input never recurses on our stack.
#include <string>
#include <vector>

#include "guildhall/activitystreams/parse.hpp"

namespace guildhall::activitystreams {
namespace {

using nlohmann::json;

class BoundedBuilder {
 public:
  explicit BoundedBuilder(const ParseLimits& limits) : limits_(limits) {}

  bool null() { return add(json(nullptr)); }
  bool boolean(bool v) { return add(json(v)); }
  bool number_integer(json::number_integer_t v) { return add(json(v)); }
  bool number_unsigned(json::number_unsigned_t v) { return add(json(v)); }
  bool number_float(json::number_float_t v, const json::string_t&) { return add(json(v)); }
  bool string(json::string_t& v) {
    if (!check_string(v))
      return false;
    return add(json(std::move(v)));
  }
  bool binary(json::binary_t&) { return fail(core::Error::invalid_input("binary value in JSON")); }

  bool start_object(std::size_t) { return open(json::object()); }
  bool key(json::string_t& k) {
    if (!check_string(k))
      return false;
    if (!limits_.allow_duplicate_keys && stack_.back()->contains(k))
      return fail(core::Error::invalid_input("duplicate key \"" + k.substr(0, 64) + "\" in JSON"));
    key_ = std::move(k);
    return true;
  }
  bool end_object() {
    stack_.pop_back();
    return true;
  }
  bool start_array(std::size_t) { return open(json::array()); }
  bool end_array() {
    stack_.pop_back();
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception&) {
    return fail(core::Error::invalid_input("malformed JSON at byte " + std::to_string(position)));
  }

  json& root() { return root_; }
  const std::optional<core::Error>& error() const { return error_; }

 private:
  bool fail(core::Error e) {
    if (!error_)
      error_ = std::move(e);
    return false;
  }

  bool check_string(const std::string& s) {
    if (s.size() > limits_.max_string_bytes)
      return fail(core::Error::too_large("JSON string longer than " +
                                         std::to_string(limits_.max_string_bytes) + " bytes"));
    // PostgreSQL rejects NUL in text (JS-07); nobody sends it on purpose.
    if (s.find('\0') != std::string::npos)
      return fail(core::Error::invalid_input("NUL character in JSON string"));
    return true;
  }

  // Places a value at the current position; returns where it went.
  json* place(json&& value) {
    if (stack_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    json& parent = *stack_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(value));
      return &parent.back();
    }
    json& slot = parent[key_];
    slot = std::move(value);
    return &slot;
  }

  bool add(json&& value) {
    place(std::move(value));
    return true;
  }

  bool open(json&& container) {
    if (stack_.size() >= limits_.max_depth)
      return fail(core::Error::invalid_input("JSON nested deeper than " +
                                             std::to_string(limits_.max_depth)));
    // Pointers to open containers stay valid: only the innermost one grows.
    stack_.push_back(place(std::move(container)));
    return true;
  }

  const ParseLimits& limits_;
  json root_;
  std::vector<json*> stack_;
  std::string key_;
  std::optional<core::Error> error_;
};

}  // namespace

core::Result<nlohmann::json> parse_json(std::string_view text, const ParseLimits& limits) {
  BoundedBuilder builder(limits);
  // strict = true: trailing garbage after the document is an error (JS-14).
  const bool ok = json::sax_parse(text, &builder, json::input_format_t::json, true);
  if (!ok || builder.error()) {
    if (builder.error())
      return *builder.error();
    return core::Error::invalid_input("malformed JSON");
  }
  return std::move(builder.root());
}

}  // namespace guildhall::activitystreams
