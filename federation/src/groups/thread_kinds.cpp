// Q&A, polls and events on the wire and in storage (thread_kinds.hpp).
#include "guildhall/federation/groups/thread_kinds.hpp"

namespace guildhall::federation::groups {

using core::Result;
using nlohmann::json;

namespace {

constexpr std::size_t kMaxAddressBytes = 1000;

// Mobilizon sends a schema.org PostalAddress; others a string.
std::optional<std::string> address_text(const json& place) {
  auto it = place.find("address");
  if (it == place.end())
    return std::nullopt;
  std::string out;
  if (it->is_string()) {
    out = it->get<std::string>();
  } else if (it->is_object()) {
    for (const char* key :
         {"streetAddress", "postalCode", "addressLocality", "addressRegion", "addressCountry"}) {
      auto part = it->find(key);
      if (part == it->end() || !part->is_string() || part->get_ref<const std::string&>().empty())
        continue;
      if (!out.empty())
        out += ", ";
      out += part->get<std::string>();
    }
  }
  if (out.empty())
    return std::nullopt;
  if (out.size() > kMaxAddressBytes)
    out.resize(kMaxAddressBytes);
  return out;
}

bool flag(const json& raw, const char* key) {
  if (!raw.is_object())
    return false;
  auto it = raw.find(key);
  return it != raw.end() && it->is_boolean() && it->get<bool>();
}

}  // namespace

ThreadShape read_shape(const as::Object& object) {
  ThreadShape shape;
  const bool has_options = !object.one_of.empty() || !object.any_of.empty();
  shape.question =
      flag(object.raw, "isQuestion") || (object.kind == as::Kind::question && !has_options);
  if (object.raw.is_object()) {
    if (auto it = object.raw.find("acceptedAnswer"); it != object.raw.end()) {
      if (it->is_string())
        shape.accepted_answer = it->get<std::string>();
      else if (it->is_object() && it->contains("id") && (*it)["id"].is_string())
        shape.accepted_answer = (*it)["id"].get<std::string>();
    }
  }
  if (object.kind == as::Kind::question && has_options) {
    storage::Poll poll;
    poll.multiple = object.one_of.empty();
    poll.end_time = object.end_time ? object.end_time : object.closed_at;
    poll.voters_count = object.voters_count.value_or(0);
    const auto& options = poll.multiple ? object.any_of : object.one_of;
    for (std::size_t i = 0; i < options.size(); ++i)
      poll.options.push_back({static_cast<int>(i), options[i].name, options[i].votes.value_or(0)});
    shape.poll = std::move(poll);
  }
  if (object.kind == as::Kind::event && object.start_time) {
    storage::Event event;
    event.start_time = *object.start_time;
    if (object.end_time && *object.end_time >= *object.start_time)
      event.end_time = object.end_time;
    if (const as::Object* place = object.location.get()) {
      event.location_name = place->name;
      event.location_address = address_text(place->raw);
    } else if (object.raw.is_object() && object.raw.contains("location") &&
               object.raw["location"].is_string()) {
      event.location_name = object.raw["location"].get<std::string>();
    }
    if (event.location_name && event.location_name->size() > kMaxAddressBytes)
      event.location_name->resize(kMaxAddressBytes);
    shape.event = std::move(event);
  }
  return shape;
}

Result<ThreadShape> stored_shape(storage::Tx& tx, const storage::Post& thread) {
  ThreadShape shape;
  shape.question = thread.is_question;
  if (thread.accepted_answer_id) {
    auto answer = tx.posts().get(*thread.accepted_answer_id);
    if (!answer)
      return std::move(answer).error();
    shape.accepted_answer = answer->ap_id;
  }
  auto poll = tx.polls().get(thread.id);
  if (poll)
    shape.poll = std::move(poll).value();
  else if (poll.error().kind != core::ErrorKind::not_found)
    return std::move(poll).error();
  auto event = tx.events().get(thread.id);
  if (event)
    shape.event = std::move(event).value();
  else if (event.error().kind != core::ErrorKind::not_found)
    return std::move(event).error();
  return shape;
}

void write_shape(const ThreadShape& shape, json& object) {
  if (shape.question)
    object["isQuestion"] = true;
  if (shape.accepted_answer)
    object["acceptedAnswer"] = *shape.accepted_answer;
  if (shape.poll) {
    object["type"] = "Question";
    json options = json::array();
    for (const auto& o : shape.poll->options)
      options.push_back({{"type", "Note"},
                         {"name", o.name},
                         {"replies", {{"type", "Collection"}, {"totalItems", o.votes}}}});
    object[shape.poll->multiple ? "anyOf" : "oneOf"] = std::move(options);
    object["votersCount"] = shape.poll->voters_count;
    if (shape.poll->end_time)
      object["endTime"] = core::format_rfc3339(*shape.poll->end_time);
  }
  if (shape.event) {
    object["type"] = "Event";
    object["startTime"] = core::format_rfc3339(shape.event->start_time);
    if (shape.event->end_time)
      object["endTime"] = core::format_rfc3339(*shape.event->end_time);
    if (shape.event->location_name || shape.event->location_address) {
      json place = {{"type", "Place"}};
      if (shape.event->location_name)
        place["name"] = *shape.event->location_name;
      if (shape.event->location_address)
        place["address"] = *shape.event->location_address;
      object["location"] = std::move(place);
    }
  }
}

Result<void> store_new_shape(storage::Tx& tx, const storage::Post& thread,
                             const as::Object& object) {
  ThreadShape shape = read_shape(object);
  if (shape.poll) {
    storage::NewPoll poll{thread.id, shape.poll->multiple, shape.poll->end_time, {}};
    std::vector<std::int64_t> votes;
    for (const auto& o : shape.poll->options) {
      poll.options.push_back(o.name);
      votes.push_back(o.votes);
    }
    if (auto created = tx.polls().create(poll); !created)
      return std::move(created).error();
    if (shape.poll->voters_count > 0 || !votes.empty())
      if (auto set = tx.polls().set_tallies(thread.id, votes, shape.poll->voters_count); !set)
        return std::move(set).error();
  }
  if (shape.event) {
    shape.event->post_id = thread.id;
    if (auto put = tx.events().put(*shape.event); !put)
      return std::move(put).error();
  }
  return {};
}

Result<void> store_edited_shape(storage::Tx& tx, const storage::Post& thread,
                                const as::Object& object, bool tallies) {
  ThreadShape shape = read_shape(object);
  if (shape.poll && tallies) {
    std::vector<std::int64_t> votes;
    for (const auto& o : shape.poll->options)
      votes.push_back(o.votes);
    auto set = tx.polls().set_tallies(thread.id, votes, shape.poll->voters_count);
    if (!set && set.error().kind != core::ErrorKind::not_found)
      return std::move(set).error();
  }
  if (shape.event) {
    shape.event->post_id = thread.id;
    auto existing = tx.events().get(thread.id);
    if (existing || existing.error().kind == core::ErrorKind::not_found)
      if (auto put = tx.events().put(*shape.event); !put)
        return std::move(put).error();
  }
  return {};
}

std::optional<storage::RsvpStatus> rsvp_status(as::Kind kind) {
  switch (kind) {
    case as::Kind::accept:
    case as::Kind::join:
      return storage::RsvpStatus::going;
    case as::Kind::tentative_accept:
      return storage::RsvpStatus::maybe;
    case as::Kind::reject:
      return storage::RsvpStatus::not_going;
    default:
      return std::nullopt;
  }
}

}  // namespace guildhall::federation::groups
