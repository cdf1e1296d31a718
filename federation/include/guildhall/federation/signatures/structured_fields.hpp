#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "guildhall/core/result.hpp"

// The subset of RFC 8941 Structured Field Values that RFC 9421 and RFC 9530 need: dictionaries
// whose members are items or inner lists, with parameters; bare items of every type. Parsing
// follows RFC 8941 §4.2 step by step (strict: any deviation fails the whole field).
namespace guildhall::federation::signatures::sf {

struct Token {
  std::string value;
  bool operator==(const Token&) const = default;
};
struct ByteSequence {
  std::string bytes;  // decoded
  bool operator==(const ByteSequence&) const = default;
};
struct Decimal {
  double value = 0;
  bool operator==(const Decimal&) const = default;
};
using BareItem = std::variant<std::int64_t, Decimal, std::string, Token, ByteSequence, bool>;
// Ordered; a repeated key overwrites the earlier value in place (RFC 8941 §4.2.3.2).
using Parameters = std::vector<std::pair<std::string, BareItem>>;

struct Item {
  BareItem value;
  Parameters params;
};
struct InnerList {
  std::vector<Item> items;
  Parameters params;
};
using Member = std::variant<Item, InnerList>;
using Dictionary = std::vector<std::pair<std::string, Member>>;

core::Result<Dictionary> parse_dictionary(std::string_view text);

const BareItem* find_param(const Parameters& params, std::string_view key);

std::string serialize_bare_item(const BareItem& item);
std::string serialize_params(const Parameters& params);
std::string serialize_item(const Item& item);
std::string serialize_inner_list(const InnerList& list);

}  // namespace guildhall::federation::signatures::sf
