#include "guildhall/activitystreams/object.hpp"

#include <algorithm>
#include <unordered_set>

namespace guildhall::activitystreams {

Ref::Ref(std::string id) : id_(std::move(id)) {}
Ref::Ref(const char* id) : id_(id) {}
Ref::Ref(Object embedded)
    : id_(embedded.id), embedded_(std::make_shared<const Object>(std::move(embedded))) {}

bool operator==(const Ref& a, const Ref& b) {
  if (a.id_ != b.id_ || a.is_embedded() != b.is_embedded())
    return false;
  return !a.is_embedded() || *a.embedded_ == *b.embedded_;
}

std::string_view Object::type_name() const noexcept {
  if (kind != Kind::unknown)
    return to_string(kind);
  return other_types.empty() ? std::string_view{} : std::string_view{other_types.front()};
}

const Ref& Object::object_ref() const noexcept {
  static const Ref none;
  return object.size() == 1 ? object.front() : none;
}

core::Result<std::string> Object::author() const {
  const std::string* found = nullptr;
  for (const auto& ref : attributed_to) {
    if (const Object* o = ref.get()) {
      // PeerTube lists the channel (a Group) next to the person; it is not the author.
      if (o->kind == Kind::group || o->kind == Kind::organization || is_collection(o->kind))
        continue;
    }
    if (ref.id().empty())
      continue;
    if (found && *found != ref.id())
      return core::Error::invalid_input("attributedTo names more than one author");
    found = &ref.id();
  }
  if (!found)
    return core::Error::invalid_input("attributedTo names no author");
  return *found;
}

std::optional<std::string> Object::language() const {
  if (!languages.empty() && !languages.front().identifier.empty())
    return languages.front().identifier;
  if (content_map.empty())
    return std::nullopt;
  if (content) {
    for (const auto& [lang, text] : content_map) {
      if (text == *content)
        return lang;
    }
  }
  return content_map.begin()->first;
}

bool Object::is_public() const {
  auto has = [](const std::vector<std::string>& list) {
    return std::find(list.begin(), list.end(), kPublic) != list.end();
  };
  return has(to) || has(cc);
}

std::vector<std::string> Object::recipients() const {
  std::vector<std::string> all;
  std::unordered_set<std::string_view> seen;
  for (const auto* list : {&to, &cc, &bto, &bcc, &audience}) {
    for (const auto& id : *list) {
      if (seen.insert(id).second)
        all.push_back(id);
    }
  }
  return all;
}

Object make_object(Kind kind, std::string id) {
  Object o;
  o.kind = kind;
  o.id = std::move(id);
  return o;
}

Object make_activity(Kind kind, std::string id, std::string actor, Ref object) {
  Object o = make_object(kind, std::move(id));
  o.actor = Ref(std::move(actor));
  if (!object.empty())
    o.object.push_back(std::move(object));
  return o;
}

}  // namespace guildhall::activitystreams
