// Hostile and malformed shapes (security catalogue §2.3, JS-xx; RES-10). Each either normalises to
// the documented canonical form or fails with a clear error; none may crash or truncate.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace as = guildhall::activitystreams;
using as::Kind;
using guildhall::core::ErrorKind;
using nlohmann::json;
using Strings = std::vector<std::string>;

namespace {

as::Object parse_ok(const std::string& text, const as::ParseLimits& limits = {}) {
  auto r = as::parse(text, limits);
  if (!r.ok()) {
    ADD_FAILURE() << r.error().message << "\n" << text.substr(0, 300);
    return {};
  }
  return std::move(r).value();
}

ErrorKind parse_error(const std::string& text, const as::ParseLimits& limits = {}) {
  auto r = as::parse(text, limits);
  if (r.ok()) {
    ADD_FAILURE() << "expected an error for " << text.substr(0, 300);
    return ErrorKind::internal;
  }
  EXPECT_FALSE(r.error().message.empty());
  return r.error().kind;
}

std::string note_with(const std::string& key, const json& value) {
  json j = {{"type", "Note"}, {"id", "https://a.example/n/1"}};
  j[key] = value;
  return j.dump();
}

}  // namespace

// JS-03
TEST(BadInput, TypeArrayPicksTheKnownTypeAndKeepsTheRest) {
  const auto o = parse_ok(R"({"type": ["litepub:Weird", "Note", "Hashtag"], "id": "https://a/1"})");
  EXPECT_EQ(o.kind, Kind::note);
  EXPECT_EQ(o.other_types, (Strings{"litepub:Weird", "Hashtag"}));
  EXPECT_EQ(o.type_name(), "Note");
}

TEST(BadInput, UnknownOrMissingTypeIsKeptNotAnError) {
  const auto unknown = parse_ok(R"({"type": "ChatMessage", "id": "https://a/1", "x": 1})");
  EXPECT_EQ(unknown.kind, Kind::unknown);
  EXPECT_EQ(unknown.type_name(), "ChatMessage");
  EXPECT_EQ(unknown.raw.at("x"), 1);
  EXPECT_EQ(parse_ok(R"({"id": "https://a/1"})").kind, Kind::unknown);
  EXPECT_EQ(parse_ok(R"({"type": 42})").type_name(), "");
  EXPECT_EQ(parse_ok(R"({"type": "as:Note"})").kind, Kind::note);
  EXPECT_EQ(parse_ok(R"({"type": "https://www.w3.org/ns/activitystreams#Like"})").kind, Kind::like);
  EXPECT_EQ(parse_ok("{}").kind, Kind::unknown);
}

TEST(BadInput, ObjectAsArray) {
  const auto many = parse_ok(R"({"type": "Like", "actor": "https://a/u", "object": ["https://b/1",
      {"type": "Note", "id": "https://b/2"}, 17, null]})");
  ASSERT_EQ(many.object.size(), 2u);  // the number and the null are not references
  EXPECT_EQ(many.object[1].get()->kind, Kind::note);
  EXPECT_TRUE(many.object_ref().empty()) << "several objects must not pass as one";

  const auto one = parse_ok(R"({"type": "Like", "object": ["https://b/1"]})");
  EXPECT_EQ(one.object_ref().id(), "https://b/1");
}

TEST(BadInput, SeveralActorsAreRefused) {
  // SIG-31: an activity must have exactly one actor to bind to the signature.
  EXPECT_EQ(parse_error(R"({"type": "Like", "actor": ["https://a/u", "https://b/u"]})"),
            ErrorKind::invalid_input);
  EXPECT_EQ(parse_ok(R"({"type": "Like", "actor": ["https://a/u"]})").actor.id(), "https://a/u");
  EXPECT_EQ(
      parse_ok(R"({"type": "Like", "actor": {"type": "Person", "id": "https://a/u"}})").actor.id(),
      "https://a/u");
  EXPECT_TRUE(parse_ok(R"({"type": "Like", "actor": null})").actor.empty());
}

// JS-10
TEST(BadInput, DeepArrayBombIsRefusedWithoutRecursion) {
  const std::string bomb = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_EQ(parse_error(bomb), ErrorKind::invalid_input);
  const std::string unterminated(100000, '[');
  EXPECT_EQ(parse_error(unterminated), ErrorKind::invalid_input);
}

TEST(BadInput, DeepObjectBombIsRefused) {
  std::string bomb;
  for (int i = 0; i < 100000; ++i)
    bomb += R"({"object":)";
  bomb += "1";
  bomb += std::string(100000, '}');
  EXPECT_EQ(parse_error(bomb), ErrorKind::invalid_input);
}

TEST(BadInput, DepthIsCheckedOnCallerBuiltTreesToo) {
  json deep = 1;
  for (int i = 0; i < 10000; ++i)
    deep = json::array({std::move(deep)});
  json doc = {{"type", "Note"}, {"tag", std::move(deep)}};
  auto r = as::parse_document(doc);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::invalid_input);
}

TEST(BadInput, DepthLimitIsConfigurable) {
  as::ParseLimits limits;
  limits.max_depth = 3;
  EXPECT_TRUE(as::parse(R"({"a": {"b": {}}})", limits).ok());
  EXPECT_FALSE(as::parse(R"({"a": {"b": {"c": {}}}})", limits).ok());
}

// RES-10
TEST(BadInput, EmbeddedActivityNestingIsBounded) {
  auto nest = [](int levels) {
    json j = {{"type", "Like"}, {"object", "https://a/n/1"}};
    for (int i = 1; i < levels; ++i)
      j = {{"type", "Announce"}, {"object", j}};
    return j.dump();
  };
  EXPECT_TRUE(as::parse(nest(4)).ok());
  EXPECT_EQ(parse_error(nest(5)), ErrorKind::invalid_input);
  // Non-activity embedding does not count (Create(Note{tag: Mention})), only JSON depth does.
  EXPECT_TRUE(as::parse(R"({"type": "Create", "object": {"type": "Note",
      "tag": [{"type": "Mention", "href": "https://a/u"}]}})")
                  .ok());
}

// JS-09, JS-05
TEST(BadInput, OversizedStringsAreTooLarge) {
  const as::ParseLimits limits;
  EXPECT_EQ(parse_error(note_with("content", std::string(limits.max_content_bytes + 1, 'a'))),
            ErrorKind::too_large);
  EXPECT_TRUE(as::parse(note_with("content", std::string(limits.max_content_bytes, 'a'))).ok());
  EXPECT_EQ(parse_error(
                note_with("contentMap", {{"en", std::string(limits.max_content_bytes + 1, 'a')}})),
            ErrorKind::too_large);
  EXPECT_EQ(parse_error(note_with("name", std::string(limits.max_name_bytes + 1, 'a'))),
            ErrorKind::too_large);
  EXPECT_EQ(parse_error(note_with("summary", std::string(limits.max_summary_bytes + 1, 'a'))),
            ErrorKind::too_large);
  const std::string long_id = "https://a.example/" + std::string(limits.max_id_bytes, 'x');
  EXPECT_EQ(parse_error(note_with("id", long_id)), ErrorKind::too_large);
  EXPECT_EQ(parse_error(note_with("inReplyTo", long_id)), ErrorKind::too_large);
  EXPECT_EQ(parse_error(note_with("to", Strings{long_id})), ErrorKind::too_large);
  // Any string at all, even in an extension property we never read, is bounded while reading.
  EXPECT_EQ(
      parse_error(note_with("_misskey_content", std::string(limits.max_string_bytes + 1, 'a'))),
      ErrorKind::too_large);
}

TEST(BadInput, OversizedListsAreTooLarge) {
  auto ids = [](std::size_t n) {
    json arr = json::array();
    for (std::size_t i = 0; i < n; ++i)
      arr.push_back("https://a.example/u/" + std::to_string(i));
    return arr;
  };
  const as::ParseLimits limits;
  EXPECT_EQ(parse_error(note_with("to", ids(limits.max_recipients + 1))), ErrorKind::too_large);
  EXPECT_EQ(parse_ok(note_with("cc", ids(limits.max_recipients))).cc.size(), limits.max_recipients);
  json tags = json::array();
  for (std::size_t i = 0; i <= limits.max_tags; ++i)
    tags.push_back({{"type", "Hashtag"}, {"name", "#t" + std::to_string(i)}});
  EXPECT_EQ(parse_error(note_with("tag", tags)), ErrorKind::too_large);
  json attachments = json::array();
  for (std::size_t i = 0; i <= limits.max_attachments; ++i)
    attachments.push_back({{"type", "Image"}, {"url", "https://a.example/i.png"}});
  EXPECT_EQ(parse_error(note_with("attachment", attachments)), ErrorKind::too_large);
  json options = json::array();
  for (std::size_t i = 0; i <= limits.max_poll_options; ++i)
    options.push_back({{"type", "Note"}, {"name", std::to_string(i)}});
  EXPECT_EQ(parse_error(note_with("oneOf", options)), ErrorKind::too_large);
}

// JS-12
TEST(BadInput, NullEverywhere) {
  json j = json::object();
  for (const char* key :
       {"id",           "type",      "actor",      "object",    "target",       "to",
        "cc",           "bto",       "bcc",        "audience",  "attributedTo", "name",
        "summary",      "content",   "contentMap", "mediaType", "source",       "language",
        "sensitive",    "published", "updated",    "inReplyTo", "context",      "conversation",
        "url",          "href",      "icon",       "image",     "tag",          "attachment",
        "replies",      "oneOf",     "anyOf",      "closed",    "endTime",      "startTime",
        "location",     "publicKey", "endpoints",  "inbox",     "followers",    "items",
        "orderedItems", "first",     "next",       "partOf",    "totalItems",   "@context"})
    j[key] = nullptr;
  const auto o = parse_ok(j.dump());
  EXPECT_TRUE(static_cast<const as::ObjectData&>(o) == as::ObjectData{})
      << "every null must read as absent";
}

TEST(BadInput, WrongJsonTypesReadAsAbsent) {
  const auto o = parse_ok(R"({
    "type": "Note", "id": 5, "actor": 7, "to": [1, "https://a/u", true, {"id": 3}, {"id": "https://b/u"}],
    "content": 12, "name": {"x": 1}, "summary": ["a"], "sensitive": "yes", "published": 1234,
    "totalItems": -1, "votersCount": 1.5, "inReplyTo": false, "tag": "https://a/tag",
    "attachment": 3, "icon": 9, "url": {"no": "href"}, "language": 5, "endpoints": "x",
    "publicKey": 4, "source": 1, "closed": false, "oneOf": "yes"})");
  EXPECT_EQ(o.kind, Kind::note);
  EXPECT_TRUE(o.id.empty());
  EXPECT_TRUE(o.actor.empty());
  EXPECT_EQ(o.to, (Strings{"https://a/u", "https://b/u"}));
  EXPECT_FALSE(o.content || o.name || o.summary || o.sensitive || o.published);
  EXPECT_FALSE(o.total_items || o.voters_count || o.source);
  EXPECT_TRUE(o.in_reply_to.empty());
  ASSERT_EQ(o.tag.size(), 1u);  // a bare id is a valid (if unusual) tag reference
  EXPECT_TRUE(o.attachment.empty() && o.icon.empty() && o.url.empty() && o.languages.empty());
  EXPECT_TRUE(o.shared_inbox.empty() && o.public_keys.empty() && o.one_of.empty());
  EXPECT_FALSE(o.closed);
  EXPECT_FALSE(parse_ok(R"({"totalItems": 18446744073709551615})").total_items);
}

// JS-04
TEST(BadInput, ContentShapes) {
  EXPECT_FALSE(parse_ok(note_with("content", true)).content);
  EXPECT_FALSE(parse_ok(note_with("content", json::array({"a", "b"}))).content);
  const auto map_only = parse_ok(note_with("contentMap", {{"de", "Hallo"}, {"en", "Hello"}}));
  EXPECT_EQ(map_only.content, "Hallo");  // no declared language: the first key, deterministically
  EXPECT_EQ(map_only.content_map.size(), 2u);
  json with_language = {{"type", "Page"},
                        {"contentMap", {{"de", "Hallo"}, {"en", "Hello"}}},
                        {"language", {{"identifier", "en"}, {"name", "English"}}}};
  const auto picked = parse_ok(with_language.dump());
  EXPECT_EQ(picked.content, "Hello");
  EXPECT_EQ(picked.language(), "en");
  const auto both = parse_ok(R"({"content": "plain", "contentMap": {"en": "mapped"}})");
  EXPECT_EQ(both.content, "plain");
}

// JS-01
TEST(BadInput, RecipientShapesNormaliseToTheSameSet) {
  const Strings expected = {std::string(as::kPublic), "https://a.example/u/1"};
  for (const char* to :
       {R"(["https://www.w3.org/ns/activitystreams#Public", "https://a.example/u/1"])",
        R"(["as:Public", {"id": "https://a.example/u/1"}])",
        R"(["Public", "https://a.example/u/1", "as:Public", "https://a.example/u/1"])",
        R"([{"id": "https://www.w3.org/ns/activitystreams#Public"}, {"type": "Person",
            "id": "https://a.example/u/1"}])"}) {
    const auto o = parse_ok(std::string(R"({"type": "Note", "to": )") + to + "}");
    EXPECT_EQ(o.to, expected) << to;
    EXPECT_TRUE(o.is_public()) << to;
  }
  EXPECT_EQ(parse_ok(R"({"to": "as:Public"})").to, Strings{std::string(as::kPublic)});
  EXPECT_TRUE(parse_ok(R"({"type": "Note"})").to.empty());
}

// JS-02
TEST(BadInput, AttributedToShapes) {
  EXPECT_EQ(parse_ok(R"({"attributedTo": "https://a/u"})").author().value(), "https://a/u");
  EXPECT_EQ(
      parse_ok(R"({"attributedTo": {"type": "Person", "id": "https://a/u"}})").author().value(),
      "https://a/u");
  EXPECT_EQ(parse_ok(R"({"attributedTo": [{"type": "Group", "id": "https://a/c"},
                                           "https://a/u"]})")
                .author()
                .value(),
            "https://a/u");
  const auto two = parse_ok(R"({"attributedTo": ["https://a/u", "https://b/u"]})");
  EXPECT_EQ(two.attributed_to.size(), 2u);
  EXPECT_FALSE(two.author().ok());
  EXPECT_FALSE(parse_ok(R"({"type": "Note"})").author().ok());
}

// ORI-20, security rule 4
TEST(BadInput, GraphSmugglingIsNeverRead) {
  const auto o = parse_ok(R"({
    "@context": "https://www.w3.org/ns/activitystreams",
    "@graph": [{"type": "Announce", "actor": "https://evil/u", "object": "https://victim/n/1"}],
    "@included": [{"type": "Delete", "actor": "https://evil/u"}],
    "@reverse": {"actor": "https://evil/u"}})");
  EXPECT_EQ(o.kind, Kind::unknown);
  EXPECT_TRUE(o.actor.empty());
  EXPECT_TRUE(o.object.empty());
  EXPECT_FALSE(o.raw.contains("@graph"));
  EXPECT_FALSE(o.raw.contains("@included"));
  EXPECT_FALSE(o.raw.contains("@reverse"));

  // Alongside a real activity the keywords are equally inert, at every level.
  const auto like = parse_ok(R"({"type": "Announce", "actor": "https://g/c",
    "object": {"type": "Like", "actor": "https://a/u", "object": "https://a/n/1",
               "@graph": {"type": "Delete"}},
    "@graph": [{"type": "Delete", "object": "https://victim/n/1"}]})");
  EXPECT_EQ(like.kind, Kind::announce);
  EXPECT_EQ(like.object_ref().get()->object_ref().id(), "https://a/n/1");
  EXPECT_FALSE(like.object_ref().get()->raw.contains("@graph"));
}

TEST(BadInput, ContextVariantsAreIgnored) {
  for (const char* context :
       {R"("https://www.w3.org/ns/activitystreams")",
        R"(["https://www.w3.org/ns/activitystreams", {"sensitive": "as:sensitive"}])",
        R"({"actor": "https://evil/redefined"})", R"(["https://unknown.example/ctx"])"}) {
    const auto o = parse_ok(std::string(R"({"@context": )") + context +
                            R"(, "type": "Like", "actor": "https://a/u"})");
    EXPECT_EQ(o.kind, Kind::like) << context;
    EXPECT_EQ(o.actor.id(), "https://a/u") << context;
  }
}

// JS-06
TEST(BadInput, DuplicateKeysAreRefused) {
  EXPECT_EQ(parse_error(R"({"type": "Like", "actor": "https://a/u", "actor": "https://b/u"})"),
            ErrorKind::invalid_input);
  EXPECT_EQ(parse_error(R"({"object": {"id": "x", "id": "y"}})"), ErrorKind::invalid_input);
  as::ParseLimits lenient;
  lenient.allow_duplicate_keys = true;
  EXPECT_EQ(parse_ok(R"({"actor": "https://a/u", "actor": "https://b/u"})", lenient).actor.id(),
            "https://b/u");
  // Same key in sibling objects is fine.
  EXPECT_TRUE(as::parse(R"({"a": {"id": "x"}, "b": {"id": "y"}})").ok());
}

// JS-07
TEST(BadInput, EncodingProblems) {
  EXPECT_EQ(parse_error("{\"name\": \"\xff\xfe\"}"), ErrorKind::invalid_input);
  EXPECT_EQ(parse_error("{\"name\": \"\xc0\xaf\"}"), ErrorKind::invalid_input);  // overlong
  EXPECT_EQ(parse_error(R"({"name": "\ud800"})"), ErrorKind::invalid_input);
  EXPECT_EQ(parse_error(R"({"name": "a\u0000b"})"), ErrorKind::invalid_input);
  EXPECT_EQ(parse_ok("\xEF\xBB\xBF{\"type\": \"Note\"}").kind, Kind::note);  // BOM tolerated
  EXPECT_EQ(parse_ok(R"({"name": "\u202eevil"})").name,
            "\u202e"
            "evil");  // kept; escaped on display
}

// JS-05
TEST(BadInput, ControlCharactersInIdsAreRefused) {
  EXPECT_EQ(parse_error(R"({"id": "https://a/\n1"})"), ErrorKind::invalid_input);
  EXPECT_EQ(parse_error(R"({"to": ["https://a/\t1"]})"), ErrorKind::invalid_input);
  EXPECT_EQ(parse_error(R"({"actor": "https://a/\u007f"})"), ErrorKind::invalid_input);
}

// JS-11, JS-14
TEST(BadInput, NumbersDatesAndTrailingGarbage) {
  EXPECT_EQ(parse_error(R"({"votersCount": 1e999})"), ErrorKind::invalid_input);
  EXPECT_EQ(parse_ok(R"({"votersCount": -0})").voters_count, 0);
  for (const char* date : {"99999-01-01T00:00:00Z", "2024-02-30T00:00:00Z", "0000-00-00",
                           "yesterday", "2024-01-01T00:00:00"})
    EXPECT_FALSE(parse_ok(note_with("published", date)).published) << date;
  EXPECT_EQ(parse_error(R"({"type": "Note"}xyz)"), ErrorKind::invalid_input);
  EXPECT_EQ(parse_error(R"({"type": "Note"}{"type": "Note"})"), ErrorKind::invalid_input);
  EXPECT_EQ(parse_error(""), ErrorKind::invalid_input);
  EXPECT_EQ(parse_error("{"), ErrorKind::invalid_input);
}

TEST(BadInput, TopLevelMustBeAnObject) {
  EXPECT_EQ(parse_error(R"([{"type": "Note"}])"), ErrorKind::invalid_input);
  EXPECT_EQ(parse_error(R"("https://a/n/1")"), ErrorKind::invalid_input);
  EXPECT_EQ(parse_error("null"), ErrorKind::invalid_input);
}

TEST(BadInput, SingleValuedReferenceSentAsArray) {
  EXPECT_EQ(parse_ok(R"({"inReplyTo": ["https://a/1"]})").in_reply_to.id(), "https://a/1");
  EXPECT_TRUE(parse_ok(R"({"inReplyTo": ["https://a/1", "https://a/2"]})").in_reply_to.empty());
  EXPECT_TRUE(parse_ok(R"({"target": []})").target.empty());
}

TEST(BadInput, UrlShapes) {
  EXPECT_EQ(parse_ok(R"({"url": "https://a/1"})").url, "https://a/1");
  EXPECT_EQ(parse_ok(R"({"url": {"type": "Link", "href": "https://a/1"}})").url, "https://a/1");
  EXPECT_EQ(parse_ok(R"({"url": [{"type": "Link", "mediaType": "video/mp4", "href": "https://a/v"},
                                 {"type": "Link", "mediaType": "text/html", "href": "https://a/w"}]})")
                .url,
            "https://a/w");
  EXPECT_EQ(parse_ok(R"({"url": [{"type": "Link", "href": "https://a/l"}, "https://a/s"]})").url,
            "https://a/s");
  EXPECT_EQ(parse_ok(R"({"icon": [{"type": "Image", "url": "https://a/i.png"}]})").icon,
            "https://a/i.png");
  EXPECT_EQ(parse_ok(R"({"icon": "https://a/i.png"})").icon, "https://a/i.png");
}

TEST(BadInput, PublicKeyObjectOrArray) {
  const auto one = parse_ok(R"({"type": "Person", "publicKey": {"id": "https://a/u#k",
      "owner": "https://a/u", "publicKeyPem": "PEM"}})");
  EXPECT_EQ(one.public_keys, (std::vector<as::PublicKey>{{"https://a/u#k", "https://a/u", "PEM"}}));
  const auto many = parse_ok(R"({"type": "Person", "publicKey": [{"id": "https://a/u#main-key",
      "publicKeyPem": "A"}, "https://a/u#ed25519-key"]})");
  ASSERT_EQ(many.public_keys.size(), 2u);
  EXPECT_EQ(many.public_keys[1].id, "https://a/u#ed25519-key");
}
