# The community API under /api/guildhall/v1 (docs/api.md, "Community API"), on the client API's
# conventions (server/src/api/) and federation::CommunityService.
target_sources(guildhall_server PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/community_entities.cpp
  ${CMAKE_CURRENT_LIST_DIR}/community_directory.cpp
  ${CMAKE_CURRENT_LIST_DIR}/community_threads.cpp
  ${CMAKE_CURRENT_LIST_DIR}/community_moderation.cpp
  ${CMAKE_CURRENT_LIST_DIR}/community_account.cpp)
