// Output mirrors parse.cpp field by field, in the plain shapes every peer reads (ids as strings,
// lists as arrays, Lemmy's language object), so that parse(to_json(x)) == x.
#include "guildhall/activitystreams/serialize.hpp"

#include <chrono>

namespace guildhall::activitystreams {
namespace {

using nlohmann::json;

json body(const Object& o);

json ref_json(const Ref& r) {
  if (const Object* e = r.get())
    return body(*e);
  return r.id();
}

void put(json& j, const char* key, const std::string& value) {
  if (!value.empty())
    j[key] = value;
}

void put(json& j, const char* key, const std::optional<std::string>& value) {
  if (value)
    j[key] = *value;
}

void put(json& j, const char* key, const std::optional<bool>& value) {
  if (value)
    j[key] = *value;
}

void put(json& j, const char* key, const std::optional<std::int64_t>& value) {
  if (value)
    j[key] = *value;
}

// core's format stops at milliseconds; the clock and Lemmy's timestamps carry more, and dropping
// it would break parse(to_json(x)) == x. Sub-millisecond digits are added only when non-zero.
std::string format_time(TimePoint t) {
  using namespace std::chrono;
  // Floor first: core truncates toward zero, which is off by one millisecond before 1970.
  std::string text = core::format_rfc3339(floor<milliseconds>(t));
  constexpr long long kPerMs = duration_cast<nanoseconds>(milliseconds(1)).count();
  const long long ns = duration_cast<nanoseconds>(t.time_since_epoch()).count();
  long long below_ms = ((ns % kPerMs) + kPerMs) % kPerMs;  // floor, also before 1970
  if (below_ms == 0)
    return text;
  std::string digits = std::to_string(below_ms + kPerMs).substr(1);  // zero-padded to 6
  while (digits.back() == '0')
    digits.pop_back();
  text.insert(text.size() - 1, digits);  // before the 'Z'
  return text;
}

void put(json& j, const char* key, const std::optional<TimePoint>& value) {
  if (value)
    j[key] = format_time(*value);
}

void put(json& j, const char* key, const Ref& value) {
  if (!value.empty())
    j[key] = ref_json(value);
}

void put(json& j, const char* key, const std::vector<std::string>& ids) {
  if (!ids.empty())
    j[key] = ids;
}

// A list that is usually one value goes out as that value (what Lemmy and Mastodon send).
void put_one_or_many(json& j, const char* key, const std::vector<Ref>& refs) {
  if (refs.size() == 1) {
    j[key] = ref_json(refs.front());
  } else if (!refs.empty()) {
    json& arr = j[key] = json::array();
    for (const auto& r : refs)
      arr.push_back(ref_json(r));
  }
}

void put_array(json& j, const char* key, const std::vector<Ref>& refs) {
  if (refs.empty())
    return;
  json& arr = j[key] = json::array();
  for (const auto& r : refs)
    arr.push_back(ref_json(r));
}

void put_image(json& j, const char* key, const std::string& url) {
  if (!url.empty())
    j[key] = {{"type", "Image"}, {"url", url}};
}

void put_poll(json& j, const char* key, const std::vector<PollOption>& options) {
  if (options.empty())
    return;
  json& arr = j[key] = json::array();
  for (const auto& option : options) {
    json item = {{"type", "Note"}, {"name", option.name}};
    if (option.votes)
      item["replies"] = {{"type", "Collection"}, {"totalItems", *option.votes}};
    arr.push_back(std::move(item));
  }
}

json language_json(const Language& lang) {
  json j = {{"identifier", lang.identifier}};
  if (!lang.name.empty())
    j["name"] = lang.name;
  return j;
}

json public_key_json(const PublicKey& key) {
  json j = json::object();
  put(j, "id", key.id);
  put(j, "owner", key.owner);
  put(j, "publicKeyPem", key.pem);
  return j;
}

json body(const Object& o) {
  json j = json::object();
  put(j, "id", o.id);
  if (o.kind != Kind::unknown || !o.other_types.empty()) {
    std::vector<std::string> types;
    if (o.kind != Kind::unknown)
      types.emplace_back(to_string(o.kind));
    types.insert(types.end(), o.other_types.begin(), o.other_types.end());
    if (types.size() == 1)
      j["type"] = types.front();
    else
      j["type"] = types;
  }

  put(j, "actor", o.actor);
  put_one_or_many(j, "object", o.object);
  put(j, "target", o.target);
  put(j, "removeData", o.remove_data);

  put(j, "to", o.to);
  put(j, "cc", o.cc);
  put(j, "bto", o.bto);
  put(j, "bcc", o.bcc);
  // One audience is sent as a string: Lemmy reads `audience` as a single community id and
  // refuses an array.
  if (o.audience.size() == 1)
    j["audience"] = o.audience.front();
  else
    put(j, "audience", o.audience);

  put_one_or_many(j, "attributedTo", o.attributed_to);
  put(j, "name", o.name);
  put(j, "summary", o.summary);
  put(j, "content", o.content);
  if (!o.content_map.empty())
    j["contentMap"] = o.content_map;
  put(j, "mediaType", o.media_type);
  if (o.source)
    j["source"] = {{"content", o.source->content}, {"mediaType", o.source->media_type}};
  if (o.languages.size() == 1) {
    j["language"] = language_json(o.languages.front());
  } else if (!o.languages.empty()) {
    json& arr = j["language"] = json::array();
    for (const auto& lang : o.languages)
      arr.push_back(language_json(lang));
  }
  put(j, "sensitive", o.sensitive);
  put(j, "published", o.published);
  put(j, "updated", o.updated);
  put(j, "inReplyTo", o.in_reply_to);
  put(j, "context", o.context);
  put(j, "conversation", o.conversation);
  put(j, "url", o.url);
  put(j, "href", o.href);
  put_image(j, "icon", o.icon);
  put_image(j, "image", o.image);
  put_array(j, "tag", o.tag);
  put_array(j, "attachment", o.attachment);
  put(j, "width", o.width);
  put(j, "height", o.height);
  put(j, "blurhash", o.blurhash);
  if (o.focal_point.size() == 2)
    j["focalPoint"] = o.focal_point;
  put(j, "replies", o.replies);
  put(j, "stickied", o.stickied);
  put(j, "commentsEnabled", o.comments_enabled);

  put_poll(j, "oneOf", o.one_of);
  put_poll(j, "anyOf", o.any_of);
  put(j, "votersCount", o.voters_count);
  put(j, "startTime", o.start_time);
  put(j, "endTime", o.end_time);
  if (o.closed_at)
    put(j, "closed", o.closed_at);
  else if (o.closed)
    j["closed"] = true;
  put(j, "location", o.location);

  put(j, "formerType", o.former_type);
  put(j, "deleted", o.deleted);

  put(j, "preferredUsername", o.preferred_username);
  put(j, "inbox", o.inbox);
  put(j, "outbox", o.outbox);
  put(j, "followers", o.followers);
  put(j, "following", o.following);
  put(j, "featured", o.featured);
  put(j, "moderators", o.moderators);
  if (!o.shared_inbox.empty())
    j["endpoints"] = {{"sharedInbox", o.shared_inbox}};
  if (o.public_keys.size() == 1) {
    j["publicKey"] = public_key_json(o.public_keys.front());
  } else if (!o.public_keys.empty()) {
    json& arr = j["publicKey"] = json::array();
    for (const auto& key : o.public_keys)
      arr.push_back(public_key_json(key));
  }
  put(j, "manuallyApprovesFollowers", o.manually_approves_followers);
  put(j, "discoverable", o.discoverable);
  put(j, "postingRestrictedToMods", o.posting_restricted_to_mods);
  put(j, "alsoKnownAs", o.also_known_as);
  put(j, "movedTo", o.moved_to);

  put(j, "totalItems", o.total_items);
  const bool ordered =
      o.kind == Kind::ordered_collection || o.kind == Kind::ordered_collection_page;
  if (!o.items.empty())
    put_array(j, ordered ? "orderedItems" : "items", o.items);
  put(j, "first", o.first);
  put(j, "last", o.last);
  put(j, "next", o.next);
  put(j, "prev", o.prev);
  put(j, "partOf", o.part_of);
  return j;
}

}  // namespace

const json& default_context() {
  static const json context = json::array({
      "https://www.w3.org/ns/activitystreams",
      "https://w3id.org/security/v1",
      {
          {"as", "https://www.w3.org/ns/activitystreams#"},
          {"gh", "https://w3id.org/guildhall#"},
          {"lemmy", "https://join-lemmy.org/ns#"},
          {"litepub", "http://litepub.social/ns#"},
          {"pt", "https://joinpeertube.org/ns#"},
          {"sc", "http://schema.org/"},
          {"toot", "http://joinmastodon.org/ns#"},
          {"sensitive", "as:sensitive"},
          {"manuallyApprovesFollowers", "as:manuallyApprovesFollowers"},
          {"Hashtag", "as:Hashtag"},
          {"expires", "as:endTime"},
          {"stickied", "lemmy:stickied"},
          {"postingRestrictedToMods", "lemmy:postingRestrictedToMods"},
          {"removeData", "lemmy:removeData"},
          {"distinguished", "lemmy:distinguished"},
          {"moderators", {{"@type", "@id"}, {"@id", "lemmy:moderators"}}},
          {"commentsEnabled", "pt:commentsEnabled"},
          {"language", "sc:inLanguage"},
          {"identifier", "sc:identifier"},
          {"featured", {{"@type", "@id"}, {"@id", "toot:featured"}}},
          {"discoverable", "toot:discoverable"},
          {"Emoji", "toot:Emoji"},
          {"votersCount", "toot:votersCount"},
          {"EmojiReact", "litepub:EmojiReact"},
          {"ChooseAnswer", "gh:ChooseAnswer"},
          {"isQuestion", "gh:isQuestion"},
          {"acceptedAnswer", {{"@type", "@id"}, {"@id", "sc:acceptedAnswer"}}},
          {"address", "sc:address"},
      },
  });
  return context;
}

json to_json(const Object& object) {
  json j = body(object);
  j["@context"] = default_context();
  return j;
}

std::string serialize(const Object& object) {
  return to_json(object).dump();
}

}  // namespace guildhall::activitystreams
