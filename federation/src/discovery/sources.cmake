# Discovery: WebFinger, host-meta, NodeInfo, actor documents and their collections.
target_sources(guildhall_federation PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/activities.cpp
  ${CMAKE_CURRENT_LIST_DIR}/actors.cpp
  ${CMAKE_CURRENT_LIST_DIR}/collections.cpp
  ${CMAKE_CURRENT_LIST_DIR}/group_outbox.cpp
  ${CMAKE_CURRENT_LIST_DIR}/lookup.cpp
  ${CMAKE_CURRENT_LIST_DIR}/negotiation.cpp
  ${CMAKE_CURRENT_LIST_DIR}/nodeinfo.cpp
  ${CMAKE_CURRENT_LIST_DIR}/posts.cpp
  ${CMAKE_CURRENT_LIST_DIR}/webfinger.cpp)
