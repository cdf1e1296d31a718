// libFuzzer: the HTML allowlist sanitizer (gumbo underneath) on arbitrary bytes, with each image
// policy; the output must keep the invariants the property tests check (sanitize_invariants.hpp).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "guildhall/content/html.hpp"

#include "sanitize_invariants.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace content = guildhall::content;
  const std::string_view html(reinterpret_cast<const char*>(data), size);
  for (auto policy :
       {content::ImagePolicy::link, content::ImagePolicy::keep, content::ImagePolicy::drop}) {
    content::SanitizeOptions options;
    options.images = policy;
    const std::string violation =
        content::testing::sanitize_violation(content::sanitize_html(html, options), options);
    if (!violation.empty()) {
      std::fprintf(stderr, "%s\n", violation.c_str());
      std::abort();
    }
  }
  (void)content::html_to_plain_text(html);
  return 0;
}
