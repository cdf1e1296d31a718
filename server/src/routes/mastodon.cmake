# The Mastodon-compatible client API: instance, accounts, statuses, timelines, streaming (docs/api.md).
target_sources(guildhall_server PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/mastodon_accounts.cpp
  ${CMAKE_CURRENT_LIST_DIR}/mastodon_conversations.cpp
  ${CMAKE_CURRENT_LIST_DIR}/mastodon_media.cpp
  ${CMAKE_CURRENT_LIST_DIR}/mastodon_polls.cpp
  ${CMAKE_CURRENT_LIST_DIR}/mastodon_statuses.cpp
  ${CMAKE_CURRENT_LIST_DIR}/mastodon_streaming.cpp
  ${CMAKE_CURRENT_LIST_DIR}/admin_api.cpp)
