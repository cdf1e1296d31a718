# The Mastodon-compatible client API: instance, accounts, statuses, timelines (docs/api.md).
target_sources(guildhall_server PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/mastodon_accounts.cpp
  ${CMAKE_CURRENT_LIST_DIR}/mastodon_statuses.cpp)
