# Inbox: the inbound pipeline (receive: checks, dedupe, persist) and the processor running the
# person-level handlers over the persisted log.
target_sources(guildhall_federation PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/inbox.cpp
  ${CMAKE_CURRENT_LIST_DIR}/processor.cpp
  ${CMAKE_CURRENT_LIST_DIR}/backfill.cpp
  ${CMAKE_CURRENT_LIST_DIR}/handlers/common.cpp
  ${CMAKE_CURRENT_LIST_DIR}/handlers/by_id.cpp
  ${CMAKE_CURRENT_LIST_DIR}/handlers/post_fields.cpp
  ${CMAKE_CURRENT_LIST_DIR}/handlers/follow.cpp
  ${CMAKE_CURRENT_LIST_DIR}/handlers/accept.cpp
  ${CMAKE_CURRENT_LIST_DIR}/handlers/undo.cpp
  ${CMAKE_CURRENT_LIST_DIR}/handlers/create.cpp
  ${CMAKE_CURRENT_LIST_DIR}/handlers/update.cpp
  ${CMAKE_CURRENT_LIST_DIR}/handlers/delete.cpp
  ${CMAKE_CURRENT_LIST_DIR}/handlers/reaction.cpp
  ${CMAKE_CURRENT_LIST_DIR}/handlers/announce.cpp
  ${CMAKE_CURRENT_LIST_DIR}/handlers/community.cpp
  ${CMAKE_CURRENT_LIST_DIR}/handlers/block.cpp
  ${CMAKE_CURRENT_LIST_DIR}/handlers/report.cpp
  ${CMAKE_CURRENT_LIST_DIR}/handlers/group.cpp)
target_link_libraries(guildhall_federation PRIVATE guildhall::content spdlog::spdlog Threads::Threads)
