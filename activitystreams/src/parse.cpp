// Normalisation of compact AS2 JSON into the canonical Object. Only known property names are
// read (no JSON-LD expansion, @context is never interpreted or fetched), so `@graph`, `@included`
// and `@reverse` are never looked at; they are also stripped from `raw` so no handler can.
//
// Shape rules, applied the same way everywhere:
//   - null, or a JSON type that cannot mean anything for the property (a number where an id is
//     expected), is treated as absent;
//   - a single-valued reference sent as an array counts only if the array has exactly one entry;
//   - a list may arrive as one value or an array;
//   - bounds (ParseLimits) are errors, never truncation.
#include "guildhall/activitystreams/parse.hpp"

#include <cstdint>
#include <limits>
#include <unordered_set>
#include <utility>

namespace guildhall::activitystreams {
namespace {

using nlohmann::json;

// Thrown inside the normaliser only; parse() turns it back into a Result.
struct Failure {
  core::Error error;
};

[[noreturn]] void too_large(std::string_view what, std::size_t limit) {
  throw Failure{core::Error::too_large(std::string(what) + " exceeds " + std::to_string(limit))};
}

[[noreturn]] void invalid(std::string message) {
  throw Failure{core::Error::invalid_input(std::move(message))};
}

// Depth of a tree without recursion (a caller-built json may be arbitrarily deep).
bool deeper_than(const json& root, std::size_t max_depth) {
  std::vector<std::pair<const json*, std::size_t>> todo{{&root, 1}};
  while (!todo.empty()) {
    auto [node, depth] = todo.back();
    todo.pop_back();
    if (!node->is_structured())
      continue;
    if (depth > max_depth)
      return true;
    for (const auto& child : *node)
      todo.emplace_back(&child, depth + 1);
  }
  return false;
}

std::string normalise_public(std::string id) {
  if (id == "as:Public" || id == "Public")
    return std::string(kPublic);
  return id;
}

class Normaliser {
 public:
  explicit Normaliser(const ParseLimits& limits) : limits_(limits) {}

  Object object(const json& j, std::size_t activity_level) {
    Object o;
    read_type(j, o);
    if (is_activity(o.kind) && ++activity_level > limits_.max_activity_nesting)
      invalid("activities nested deeper than " + std::to_string(limits_.max_activity_nesting));

    o.id = id_of(get(j, "id"));

    // Activities.
    if (const json* a = get(j, "actor")) {
      std::vector<Ref> actors = refs(a, limits_.max_list, activity_level, "actor");
      for (const auto& r : actors) {
        if (r.id() != actors.front().id())
          invalid("more than one actor");  // SIG-31: never pick one of several
      }
      if (!actors.empty())
        o.actor = actors.front();
    }
    o.object = refs(get(j, "object"), limits_.max_list, activity_level, "object");
    o.target = single_ref(get(j, "target"), activity_level);
    o.remove_data = flag(j, "removeData");

    o.to = ids(get(j, "to"), limits_.max_recipients, "to", IdList::recipients);
    o.cc = ids(get(j, "cc"), limits_.max_recipients, "cc", IdList::recipients);
    o.bto = ids(get(j, "bto"), limits_.max_recipients, "bto", IdList::recipients);
    o.bcc = ids(get(j, "bcc"), limits_.max_recipients, "bcc", IdList::recipients);
    o.audience = ids(get(j, "audience"), limits_.max_recipients, "audience", IdList::recipients);

    // Content.
    o.attributed_to =
        refs(get(j, "attributedTo"), limits_.max_list, activity_level, "attributedTo");
    o.languages = languages(get(j, "language"));
    o.name = localized(j, "name", "nameMap", limits_.max_name_bytes, o.languages);
    o.summary = localized(j, "summary", "summaryMap", limits_.max_summary_bytes, o.languages);
    if (const json* m = get(j, "contentMap"); m && m->is_object()) {
      if (m->size() > limits_.max_list)
        too_large("contentMap", limits_.max_list);
      for (const auto& [lang, text] : m->items()) {
        if (text.is_string())
          o.content_map[lang] = bounded(text, limits_.max_content_bytes, "contentMap");
      }
    }
    o.content = localized(j, "content", "contentMap", limits_.max_content_bytes, o.languages);
    o.media_type = string(get(j, "mediaType"), limits_.max_name_bytes, "mediaType");
    if (const json* s = get(j, "source"); s && s->is_object()) {
      o.source = Source{
          string(get(*s, "content"), limits_.max_content_bytes, "source.content").value_or(""),
          string(get(*s, "mediaType"), limits_.max_name_bytes, "source.mediaType").value_or("")};
    } else if (s && s->is_string()) {  // Pleroma: the bare source text
      o.source = Source{bounded(*s, limits_.max_content_bytes, "source"), ""};
    }
    o.sensitive = flag(j, "sensitive");
    o.published = time(get(j, "published"));
    o.updated = time(get(j, "updated"));
    o.in_reply_to = single_ref(get(j, "inReplyTo"), activity_level);
    o.context = single_ref(get(j, "context"), activity_level);
    o.conversation =
        string(get(j, "conversation"), limits_.max_id_bytes, "conversation").value_or("");
    o.url = pick_url(get(j, "url"));
    o.href = id_of(get(j, "href"));
    o.icon = image_url(get(j, "icon"));
    o.image = image_url(get(j, "image"));
    o.tag = refs(get(j, "tag"), limits_.max_tags, activity_level, "tag");
    o.attachment =
        refs(get(j, "attachment"), limits_.max_attachments, activity_level, "attachment");
    o.width = count(get(j, "width"));
    o.height = count(get(j, "height"));
    o.blurhash = string(get(j, "blurhash"), limits_.max_name_bytes, "blurhash");
    o.focal_point = focal_point(get(j, "focalPoint"));
    o.replies = single_ref(get(j, "replies"), activity_level);
    o.stickied = flag(j, "stickied");
    o.comments_enabled = flag(j, "commentsEnabled");

    // Question, Event, Block expiry.
    o.one_of = poll_options(get(j, "oneOf"));
    o.any_of = poll_options(get(j, "anyOf"));
    o.voters_count = count(get(j, "votersCount"));
    o.start_time = time(get(j, "startTime"));
    o.end_time = time(get(j, "endTime"));
    if (!o.end_time)
      o.end_time = time(get(j, "expires"));  // Mbin's Block; same IRI (as:endTime) via context
    if (const json* c = get(j, "closed")) {
      o.closed_at = time(c);
      o.closed = o.closed_at.has_value() || (c->is_boolean() && c->get<bool>()) ||
                 (c->is_string() && !c->get_ref<const std::string&>().empty());
    }
    o.location = single_ref(get(j, "location"), activity_level);

    // Tombstone.
    o.former_type = string(get(j, "formerType"), limits_.max_name_bytes, "formerType").value_or("");
    o.deleted = time(get(j, "deleted"));

    // Actors.
    o.preferred_username =
        string(get(j, "preferredUsername"), limits_.max_name_bytes, "preferredUsername")
            .value_or("");
    o.inbox = id_of(get(j, "inbox"));
    o.outbox = id_of(get(j, "outbox"));
    o.followers = id_of(get(j, "followers"));
    o.following = id_of(get(j, "following"));
    o.featured = id_of(get(j, "featured"));
    o.moderators = id_of(get(j, "moderators"));
    if (const json* e = get(j, "endpoints"); e && e->is_object())
      o.shared_inbox = id_of(get(*e, "sharedInbox"));
    o.public_keys = public_keys(get(j, "publicKey"));
    o.manually_approves_followers = flag(j, "manuallyApprovesFollowers");
    o.discoverable = flag(j, "discoverable");
    o.posting_restricted_to_mods = flag(j, "postingRestrictedToMods");
    o.also_known_as = ids(get(j, "alsoKnownAs"), limits_.max_list, "alsoKnownAs", IdList::plain);
    o.moved_to = id_of(get(j, "movedTo"));

    // Collections.
    o.total_items = count(get(j, "totalItems"));
    const json* items = get(j, "orderedItems");
    o.items = refs(items ? items : get(j, "items"), limits_.max_list, activity_level, "items");
    o.first = single_ref(get(j, "first"), activity_level);
    o.last = single_ref(get(j, "last"), activity_level);
    o.next = single_ref(get(j, "next"), activity_level);
    o.prev = single_ref(get(j, "prev"), activity_level);
    o.part_of = single_ref(get(j, "partOf"), activity_level);

    o.raw = j;
    for (const char* keyword : {"@graph", "@included", "@reverse"})
      o.raw.erase(keyword);
    return o;
  }

 private:
  // The property if present and not null.
  static const json* get(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null())
      return nullptr;
    return &*it;
  }

  std::string bounded(const json& v, std::size_t limit, std::string_view what) {
    const auto& s = v.get_ref<const std::string&>();
    if (s.size() > limit)
      too_large(what, limit);
    return s;
  }

  std::optional<std::string> string(const json* v, std::size_t limit, std::string_view what) {
    if (!v || !v->is_string())
      return std::nullopt;
    return bounded(*v, limit, what);
  }

  // An id or URL: a string, or an object's `id`. Control characters never belong in one and are
  // a classic smuggling trick, so they are an error rather than ignored.
  std::string id_of(const json* v) {
    if (!v)
      return {};
    if (v->is_object())
      v = get(*v, "id");
    if (!v || !v->is_string())
      return {};
    std::string id = bounded(*v, limits_.max_id_bytes, "id");
    for (unsigned char c : id) {
      if (c < 0x20 || c == 0x7f)
        invalid("id or URL contains a control character");
    }
    return id;
  }

  void check_list(const json* v, std::size_t limit, std::string_view what) {
    if (v && v->is_array() && v->size() > limit)
      too_large(what, limit);
  }

  enum class IdList { recipients, plain };  // recipients get "as:Public" rewritten

  std::vector<std::string> ids(const json* v, std::size_t limit, std::string_view what,
                               IdList kind) {
    std::vector<std::string> out;
    if (!v)
      return out;
    check_list(v, limit, what);
    std::unordered_set<std::string> seen;
    auto add = [&](const json& item) {
      std::string id = id_of(&item);
      if (kind == IdList::recipients)
        id = normalise_public(std::move(id));
      if (!id.empty() && seen.insert(id).second)
        out.push_back(std::move(id));
    };
    if (v->is_array()) {
      for (const auto& item : *v)
        add(item);
    } else {
      add(*v);
    }
    return out;
  }

  Ref ref(const json& v, std::size_t activity_level) {
    if (v.is_string())
      return Ref(id_of(&v));
    if (v.is_object())
      return Ref(object(v, activity_level));
    return {};
  }

  Ref single_ref(const json* v, std::size_t activity_level) {
    if (!v)
      return {};
    if (v->is_array())
      return v->size() == 1 ? ref(v->front(), activity_level) : Ref{};
    return ref(*v, activity_level);
  }

  std::vector<Ref> refs(const json* v, std::size_t limit, std::size_t activity_level,
                        std::string_view what) {
    std::vector<Ref> out;
    if (!v)
      return out;
    check_list(v, limit, what);
    auto add = [&](const json& item) {
      Ref r = ref(item, activity_level);
      if (!r.empty())
        out.push_back(std::move(r));
    };
    if (v->is_array()) {
      for (const auto& item : *v)
        add(item);
    } else {
      add(*v);
    }
    return out;
  }

  void read_type(const json& j, Object& o) {
    const json* t = get(j, "type");
    if (!t)
      return;
    check_list(t, limits_.max_list, "type");
    auto add = [&](const json& item) {
      if (!item.is_string())
        return;
      std::string name = bounded(item, limits_.max_name_bytes, "type");
      const Kind k = kind_from_string(name);
      if (o.kind == Kind::unknown && k != Kind::unknown) {
        o.kind = k;  // the first known type wins; the rest are kept
        return;
      }
      if (k != Kind::unknown && k == o.kind)
        return;
      o.other_types.push_back(std::move(name));
    };
    if (t->is_array()) {
      for (const auto& item : *t)
        add(item);
    } else {
      add(*t);
    }
  }

  static std::optional<bool> flag(const json& j, const char* key) {
    const json* v = get(j, key);
    if (!v || !v->is_boolean())
      return std::nullopt;
    return v->get<bool>();
  }

  static std::optional<TimePoint> time(const json* v) {
    TimePoint t;
    if (!v || !v->is_string() || !core::parse_rfc3339(v->get_ref<const std::string&>(), t))
      return std::nullopt;
    return t;
  }

  // A non-negative integer count; anything else (negative, float, 2^64) is absent.
  // [x, y] with both in -1..1, else empty (the point is a hint: a bad one is ignored).
  static std::vector<double> focal_point(const json* v) {
    if (!v || !v->is_array() || v->size() != 2 || !(*v)[0].is_number() || !(*v)[1].is_number())
      return {};
    const double x = (*v)[0].get<double>();
    const double y = (*v)[1].get<double>();
    if (!(x >= -1 && x <= 1 && y >= -1 && y <= 1))
      return {};
    return {x, y};
  }

  static std::optional<std::int64_t> count(const json* v) {
    if (!v)
      return std::nullopt;
    if (v->is_number_unsigned()) {
      const auto u = v->get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return std::nullopt;
      return static_cast<std::int64_t>(u);
    }
    if (v->is_number_integer() && v->get<std::int64_t>() >= 0)
      return v->get<std::int64_t>();
    return std::nullopt;
  }

  std::vector<Language> languages(const json* v) {
    std::vector<Language> out;
    if (!v)
      return out;
    check_list(v, limits_.max_list, "language");
    auto add = [&](const json& item) {
      Language lang;
      if (item.is_string()) {
        lang.identifier = bounded(item, limits_.max_name_bytes, "language");
      } else if (item.is_object()) {
        lang.identifier =
            string(get(item, "identifier"), limits_.max_name_bytes, "language").value_or("");
        lang.name = string(get(item, "name"), limits_.max_name_bytes, "language").value_or("");
      }
      if (!lang.identifier.empty())
        out.push_back(std::move(lang));
    };
    if (v->is_array()) {
      for (const auto& item : *v)
        add(item);
    } else {
      add(*v);
    }
    return out;
  }

  // `key` as a string, else one entry of `map_key` chosen by language: the declared language,
  // then "und", then the first key (maps are ordered, so the choice is deterministic).
  std::optional<std::string> localized(const json& j, const char* key, const char* map_key,
                                       std::size_t limit, const std::vector<Language>& langs) {
    if (auto s = string(get(j, key), limit, key))
      return s;
    const json* m = get(j, map_key);
    if (!m || !m->is_object() || m->empty())
      return std::nullopt;
    check_list(m, limits_.max_list, map_key);
    auto pick = [&](const std::string& lang) -> std::optional<std::string> {
      auto it = m->find(lang);
      if (it == m->end() || !it->is_string())
        return std::nullopt;
      return bounded(*it, limit, map_key);
    };
    if (!langs.empty()) {
      if (auto s = pick(langs.front().identifier))
        return s;
    }
    if (auto s = pick("und"))
      return s;
    for (const auto& [lang, text] : m->items()) {
      if (text.is_string())
        return bounded(text, limit, map_key);
    }
    return std::nullopt;
  }

  // `url`: a string, a Link, or an array of both; the text/html Link wins (PeerTube lists its
  // video files next to the watch page), else the first string, else the first Link.
  std::string pick_url(const json* v) {
    if (!v)
      return {};
    auto link_href = [&](const json& item) -> std::string {
      if (item.is_string())
        return id_of(&item);
      if (item.is_object())
        return id_of(get(item, "href"));
      return {};
    };
    if (!v->is_array())
      return link_href(*v);
    check_list(v, limits_.max_list, "url");
    for (const auto& item : *v) {
      if (item.is_object()) {
        const json* mt = get(item, "mediaType");
        if (mt && mt->is_string() && mt->get_ref<const std::string&>() == "text/html")
          return link_href(item);
      }
    }
    for (const auto& item : *v) {
      if (item.is_string())
        return link_href(item);
    }
    for (const auto& item : *v) {
      if (std::string href = link_href(item); !href.empty())
        return href;
    }
    return {};
  }

  // `icon`/`image`: a URL, an Image object (its `url`, itself possibly a Link), or an array of
  // those (the first usable one).
  std::string image_url(const json* v) {
    if (!v)
      return {};
    if (v->is_string())
      return id_of(v);
    if (v->is_object())
      return pick_url(get(*v, "url"));
    if (v->is_array()) {
      check_list(v, limits_.max_list, "icon");
      for (const auto& item : *v) {
        if (item.is_array())
          continue;  // no arrays of arrays
        if (std::string url = image_url(&item); !url.empty())
          return url;
      }
    }
    return {};
  }

  std::vector<PollOption> poll_options(const json* v) {
    std::vector<PollOption> out;
    if (!v || !v->is_array())
      return out;
    check_list(v, limits_.max_poll_options, "poll options");
    for (const auto& item : *v) {
      if (!item.is_object())
        continue;
      PollOption option;
      option.name = string(get(item, "name"), limits_.max_name_bytes, "poll option").value_or("");
      if (const json* r = get(item, "replies"); r && r->is_object())
        option.votes = count(get(*r, "totalItems"));
      out.push_back(std::move(option));
    }
    return out;
  }

  std::vector<PublicKey> public_keys(const json* v) {
    std::vector<PublicKey> out;
    if (!v)
      return out;
    check_list(v, limits_.max_list, "publicKey");
    auto add = [&](const json& item) {
      PublicKey key;
      key.id = id_of(&item);
      if (item.is_object()) {
        key.owner = id_of(get(item, "owner"));
        key.pem = string(get(item, "publicKeyPem"), limits_.max_summary_bytes, "publicKeyPem")
                      .value_or("");
      }
      if (!key.id.empty() || !key.pem.empty())
        out.push_back(std::move(key));
    };
    if (v->is_array()) {
      for (const auto& item : *v)
        add(item);
    } else {
      add(*v);
    }
    return out;
  }

  const ParseLimits& limits_;
};

core::Result<Object> normalise(const json& document, const ParseLimits& limits) {
  if (!document.is_object())
    return core::Error::invalid_input("an ActivityStreams document must be a JSON object");
  try {
    return Normaliser(limits).object(document, 0);
  } catch (const Failure& f) {
    return f.error;
  }
}

}  // namespace

core::Result<Object> parse(std::string_view text, const ParseLimits& limits) {
  auto document = parse_json(text, limits);
  if (!document)
    return std::move(document).error();
  return normalise(*document, limits);
}

core::Result<Object> parse_document(const json& document, const ParseLimits& limits) {
  if (deeper_than(document, limits.max_depth))
    return core::Error::invalid_input("JSON nested deeper than " +
                                      std::to_string(limits.max_depth));
  return normalise(document, limits);
}

}  // namespace guildhall::activitystreams
