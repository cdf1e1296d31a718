#pragma once

// Real payloads from the fixture corpus (/work/shared/fixtures), signed with a stub key for their
// actor and received through a lenient Inbox (Lemmy's test data uses http:// ids). Shared by the
// inbox's and the groups' fixture tests.

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "guildhall/activitystreams/parse.hpp"
#include "guildhall/storage/federation_queue.hpp"

#include "inbox_fixture.hpp"

namespace guildhall::federation::inbox::testing {

inline const std::filesystem::path kFixtures =
    std::filesystem::path(GUILDHALL_SHARED_DIR) / "fixtures" / "activitypub";

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class FixtureSender : public InboxFixture {
 protected:
  FixtureSender() {
    InboxOptions options;
    options.verify.allow_http_key_id = true;  // Lemmy's test data uses http:// ids
    lenient_ = std::make_unique<Inbox>(*db_, resolver_, peers_, urls_, clock_, options);
  }

  // Stubs the actor (a stored remote actor whose key is alice's) and signs the payload as it.
  int receive_as_actor(const std::string& body, const std::string& target = "/inbox",
                       const std::string& recipient = kOrigin + "/inbox") {
    auto parsed = activitystreams::parse(body);
    if (!parsed)
      return 400;
    // A bare object (no actor) is signed by alice and must be refused as malformed.
    const std::string actor = parsed->actor.id().empty() ? kAlice : parsed->actor.id();
    stub_actor(actor);
    sig::SignRequestInput in{"POST",       target,
                             "us.example", {{"Content-Type", "application/activity+json"}},
                             body,         actor + "#main-key",
                             alice_key_};
    auto added = sig::sign_request(in, clock_).value();
    InboxRequest req;
    req.method = "POST";
    req.target = target;
    req.recipient = recipient;
    req.headers.add("Host", "us.example");
    req.headers.add("Content-Type", "application/activity+json");
    for (auto& [k, v] : added)
      req.headers.add(k, v);
    req.body = body;
    auto r = lenient_->receive(req);
    return r.ok() ? 202 : http_status(r.error());
  }

  void stub_actor(const std::string& actor) {
    if (actor.empty())
      return;
    resolver_.add(actor + "#main-key", actor,
                  sig::PublicKey::from_pem(sig::testing::k_alice_public).value());
    auto known = db_->read([&](storage::Tx& tx) { return tx.actors().get_by_ap_id(actor); });
    if (known.ok())
      return;
    std::string handle = actor.substr(actor.find_last_of('/') + 1);
    for (char& c : handle)
      if (!std::isalnum(static_cast<unsigned char>(c)))
        c = '_';
    std::string domain = storage::inbox_host(actor).value_or("unknown.example");
    for (int n = 0; n < 5; ++n) {
      storage::RemoteActorForm form;
      form.ap_id = actor;
      form.handle = n == 0 ? handle : handle + "_" + std::to_string(n);
      form.domain = domain;
      form.inbox_url = actor + "/inbox";
      auto r = db_->transact([&](storage::Tx& tx) { return tx.actors().upsert_remote(form); });
      if (r.ok())
        return;
    }
    ADD_FAILURE() << "could not stub " << actor;
  }

  std::unique_ptr<Inbox> lenient_;
};

}  // namespace guildhall::federation::inbox::testing
