# Groups: the engine of communities hosted here (membership, posting policy, distribution by
# Announce, moderation), shared by the inbox (remote members) and outbox::Communities (local ones).
target_sources(guildhall_federation PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/common.cpp
  ${CMAKE_CURRENT_LIST_DIR}/engine.cpp
  ${CMAKE_CURRENT_LIST_DIR}/membership.cpp
  ${CMAKE_CURRENT_LIST_DIR}/content.cpp
  ${CMAKE_CURRENT_LIST_DIR}/moderation.cpp
  ${CMAKE_CURRENT_LIST_DIR}/reports.cpp
  ${CMAKE_CURRENT_LIST_DIR}/thread_kinds.cpp
  ${CMAKE_CURRENT_LIST_DIR}/questions_polls_events.cpp)
target_link_libraries(guildhall_federation PRIVATE guildhall::content)
