#pragma once

// Everything of the AS2 vocabulary module: types, the canonical Object, parsing and output.
#include "guildhall/activitystreams/kind.hpp"
#include "guildhall/activitystreams/object.hpp"
#include "guildhall/activitystreams/parse.hpp"
#include "guildhall/activitystreams/serialize.hpp"
