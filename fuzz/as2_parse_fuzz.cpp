// libFuzzer: the bounded AS2 parser on arbitrary bytes (what any peer may POST to an inbox).
// Whatever parses must serialize and parse again to the same canonical object.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "guildhall/activitystreams/parse.hpp"
#include "guildhall/activitystreams/serialize.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace as = guildhall::activitystreams;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = as::parse(text);
  if (!parsed)
    return 0;
  auto again = as::parse(as::serialize(*parsed));
  if (!again || !(*again == *parsed))
    std::abort();  // our own output must round-trip
  return 0;
}
