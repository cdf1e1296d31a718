# GET /activities/{id}: the activities we sent, for peers that verify a group's Announce.
target_sources(guildhall_server PRIVATE ${CMAKE_CURRENT_LIST_DIR}/activities.cpp)
