#pragma once

// Conformance of uploaded media (media.hpp, migration 0011) on every backend; instantiated next to
// StorageConformance in sqlite_test.cpp and postgres_test.cpp.

#include "conformance.hpp"

namespace guildhall::storage::testing {

template <typename Backend>
class MediaConformance : public StorageConformance<Backend> {};

TYPED_TEST_SUITE_P(MediaConformance);

inline NewMedia new_image(Id owner, const std::string& name,
                          MediaPurpose purpose = MediaPurpose::attachment) {
  return {.owner_id = owner,
          .purpose = purpose,
          .kind = "image",
          .content_type = "image/png",
          .file_name = name + ".png",
          .size_bytes = 1234,
          .width = 640,
          .height = 480,
          .preview_name = name + "-small.png",
          .preview_width = 320,
          .preview_height = 240,
          .blurhash = "LEHV6nWB2yk8pyo0adR*.7kCMdnj",
          .description = std::string("a cat"),
          .focus_x = 0.5,
          .focus_y = -0.25};
}

TYPED_TEST_P(MediaConformance, UploadsAreStoredFoundByFileAndUpdated) {
  const auto alice = this->user("alice");
  auto created = this->tx([&](Tx& t) { return t.media().create(new_image(alice.actor.id, "a")); });
  ASSERT_OK(created);
  EXPECT_EQ(created->owner_id, alice.actor.id);
  EXPECT_EQ(created->purpose, MediaPurpose::attachment);
  EXPECT_EQ(created->kind, "image");
  EXPECT_EQ(created->width, 640);
  EXPECT_EQ(created->preview_height, 240);
  EXPECT_EQ(created->focus_x, 0.5);
  EXPECT_EQ(created->focus_y, -0.25);
  EXPECT_EQ(created->description, "a cat");
  EXPECT_FALSE(created->post_id);

  auto by_file = this->db_->read([&](Tx& t) { return t.media().by_file_name("a.png"); });
  ASSERT_OK(by_file);
  EXPECT_EQ(by_file->id, created->id);
  auto by_preview = this->db_->read([&](Tx& t) { return t.media().by_file_name("a-small.png"); });
  ASSERT_OK(by_preview);
  EXPECT_EQ(by_preview->id, created->id);
  EXPECT_ERROR(this->db_->read([&](Tx& t) { return t.media().by_file_name("b.png"); }), not_found);
  EXPECT_ERROR(this->tx([&](Tx& t) { return t.media().create(new_image(alice.actor.id, "a")); }),
               already_exists);
  EXPECT_ERROR(this->tx([&](Tx& t) { return t.media().create(new_image(4242, "c")); }),
               invalid_input);
  NewMedia off = new_image(alice.actor.id, "d");
  off.focus_x = 1.5;
  EXPECT_ERROR(this->tx([&](Tx& t) { return t.media().create(off); }), invalid_input);

  auto updated = this->tx([&](Tx& t) {
    return t.media().update(created->id, {.description = std::optional<std::string>("a dog"),
                                          .focus = std::pair{-1.0, 1.0}});
  });
  ASSERT_OK(updated);
  EXPECT_EQ(updated->description, "a dog");
  EXPECT_EQ(updated->focus_x, -1.0);
  EXPECT_EQ(updated->focus_y, 1.0);
  EXPECT_ERROR(this->tx([&](Tx& t) {
    return t.media().update(created->id, {.focus = std::pair{0.0, 2.0}});
  }),
               invalid_input);
  auto cleared = this->tx([&](Tx& t) {
    return t.media().update(created->id, {.description = std::optional<std::string>()});
  });
  ASSERT_OK(cleared);
  EXPECT_FALSE(cleared->description);
  EXPECT_EQ(cleared->focus_x, -1.0);
}

TYPED_TEST_P(MediaConformance, AttachmentsLinkUploadsAndUnusedOnesAreRemoved) {
  const auto alice = this->user("alice");
  const auto shown =
      this->tx([&](Tx& t) { return t.media().create(new_image(alice.actor.id, "shown")); }).value();
  const auto loose =
      this->tx([&](Tx& t) { return t.media().create(new_image(alice.actor.id, "loose")); }).value();
  const auto old_avatar =
      this->tx([&](Tx& t) {
            return t.media().create(new_image(alice.actor.id, "av1", MediaPurpose::avatar));
          })
          .value();
  const auto avatar =
      this->tx([&](Tx& t) {
            return t.media().create(new_image(alice.actor.id, "av2", MediaPurpose::avatar));
          })
          .value();

  NewPost n = new_thread(alice.actor.id, std::nullopt, "with a picture");
  n.attachments = {{.url = "https://local.test/media/shown.png",
                    .media_type = "image/png",
                    .description = "a cat",
                    .width = 640,
                    .height = 480,
                    .blurhash = "LEHV6nWB2yk8pyo0adR*.7kCMdnj",
                    .preview_url = "https://local.test/media/shown-small.png",
                    .focus_x = 0.5,
                    .focus_y = -0.25,
                    .media_id = shown.id}};
  auto post = this->tx([&](Tx& t) { return t.posts().create(n); });
  ASSERT_OK(post);
  ASSERT_EQ(post->attachments.size(), 1u);
  EXPECT_EQ(post->attachments[0].media_id, shown.id);
  EXPECT_EQ(post->attachments[0].preview_url, "https://local.test/media/shown-small.png");
  EXPECT_EQ(post->attachments[0].focus_x, 0.5);
  EXPECT_EQ(post->attachments[0].focus_y, -0.25);
  EXPECT_EQ(this->db_->read([&](Tx& t) { return t.media().get(shown.id); })->post_id, post->id);
  EXPECT_FALSE(this->db_->read([&](Tx& t) { return t.media().get(loose.id); })->post_id);

  // Nothing is old enough yet.
  const TimePoint now = std::chrono::system_clock::now();
  auto none =
      this->tx([&](Tx& t) { return t.media().remove_unused(now - std::chrono::hours(1), 100); });
  ASSERT_OK(none);
  EXPECT_TRUE(none->empty());

  auto removed =
      this->tx([&](Tx& t) { return t.media().remove_unused(now + std::chrono::hours(1), 100); });
  ASSERT_OK(removed);
  std::set<Id> ids;
  for (const auto& m : *removed)
    ids.insert(m.id);
  EXPECT_EQ(ids, (std::set<Id>{loose.id, old_avatar.id}));
  EXPECT_ERROR(this->db_->read([&](Tx& t) { return t.media().get(loose.id); }), not_found);
  ASSERT_OK(this->db_->read([&](Tx& t) { return t.media().get(avatar.id); }));

  // A deleted post shows nothing: its upload becomes unused.
  ASSERT_OK(this->tx([&](Tx& t) { return t.posts().soft_delete(post->id); }));
  auto after_delete =
      this->tx([&](Tx& t) { return t.media().remove_unused(now + std::chrono::hours(1), 100); });
  ASSERT_OK(after_delete);
  ASSERT_EQ(after_delete->size(), 1u);
  EXPECT_EQ(after_delete->front().id, shown.id);
  EXPECT_EQ(after_delete->front().file_name, "shown.png");

  // Profiles show a header beside the avatar, local and remote.
  RemoteActorForm remote = remote_person("bob", "r.test");
  remote.header_url = "https://r.test/header.png";
  auto bob = this->tx([&](Tx& t) { return t.actors().upsert_remote(remote); });
  ASSERT_OK(bob);
  EXPECT_EQ(bob->header_url, "https://r.test/header.png");
  auto headed = this->tx([&](Tx& t) {
    return t.actors().update(
        alice.actor.id,
        {.header_url = std::optional<std::string>("https://local.test/media/h.png")});
  });
  ASSERT_OK(headed);
  EXPECT_EQ(headed->header_url, "https://local.test/media/h.png");

  MediaPurpose parsed{};
  for (auto p : {MediaPurpose::attachment, MediaPurpose::avatar, MediaPurpose::header}) {
    ASSERT_TRUE(parse(to_string(p), parsed));
    EXPECT_EQ(parsed, p);
  }
}

// A community's icon and banner are uploads its actor owns: the newest of each stays through the
// cleanup, a replaced one goes, and an upload whose use was refused is removed at once.
TYPED_TEST_P(MediaConformance, CommunityImagesAreOwnedByTheCommunity) {
  const auto alice = this->user("alice");
  const CommunityView devs = this->community("devs", alice.actor.id);
  const Id group = devs.actor.id;
  const auto create = [&](const std::string& name, MediaPurpose purpose) {
    return this->tx([&](Tx& t) { return t.media().create(new_image(group, name, purpose)); })
        .value();
  };
  const Media old_icon = create("icon1", MediaPurpose::avatar);
  const Media icon = create("icon2", MediaPurpose::avatar);
  const Media banner = create("banner", MediaPurpose::header);
  // alice's own newer avatar leaves the community's alone.
  this->tx([&](Tx& t) {
        return t.media().create(new_image(alice.actor.id, "alice", MediaPurpose::avatar));
      })
      .value();

  auto updated = this->tx([&](Tx& t) {
    return t.communities().update(
        group, {.icon_url = std::optional<std::string>("https://local.test/media/icon2.png"),
                .header_url = std::optional<std::string>("https://local.test/media/banner.png")});
  });
  ASSERT_OK(updated);
  EXPECT_EQ(updated->actor.icon_url, "https://local.test/media/icon2.png");
  EXPECT_EQ(updated->actor.header_url, "https://local.test/media/banner.png");
  auto removed_banner = this->tx([&](Tx& t) {
    return t.communities().update(group, {.header_url = std::optional<std::string>()});
  });
  ASSERT_OK(removed_banner);
  EXPECT_FALSE(removed_banner->actor.header_url);
  EXPECT_EQ(removed_banner->actor.icon_url, "https://local.test/media/icon2.png");

  const TimePoint later = std::chrono::system_clock::now() + std::chrono::hours(1);
  auto removed = this->tx([&](Tx& t) { return t.media().remove_unused(later, 100); });
  ASSERT_OK(removed);
  ASSERT_EQ(removed->size(), 1u);
  EXPECT_EQ(removed->front().id, old_icon.id);
  ASSERT_OK(this->db_->read([&](Tx& t) { return t.media().get(icon.id); }));

  ASSERT_OK(this->tx([&](Tx& t) { return t.media().remove(banner.id); }));
  EXPECT_ERROR(this->db_->read([&](Tx& t) { return t.media().get(banner.id); }), not_found);
  EXPECT_ERROR(this->tx([&](Tx& t) { return t.media().remove(banner.id); }), not_found);
}

REGISTER_TYPED_TEST_SUITE_P(MediaConformance, UploadsAreStoredFoundByFileAndUpdated,
                            AttachmentsLinkUploadsAndUnusedOnesAreRemoved,
                            CommunityImagesAreOwnedByTheCommunity);

}  // namespace guildhall::storage::testing
