#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "guildhall/activitystreams/object.hpp"

namespace guildhall::activitystreams {

// The `@context` we put on every document: AS2, security v1, and the extension terms we emit,
// named as Lemmy's context names them so Lemmy, Mbin and PieFed read them without guessing.
const nlohmann::json& default_context();

// Compact AS2 JSON of `object`, with default_context() at the top (not on embedded objects).
// Only canonical fields are written, never `raw`; parse(to_json(x)) == x.
nlohmann::json to_json(const Object& object);
// to_json(object).dump().
std::string serialize(const Object& object);

}  // namespace guildhall::activitystreams
