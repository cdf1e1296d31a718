# ActivityPub routes: discovery (WebFinger, host-meta, NodeInfo, actors and collections).
target_sources(guildhall_server PRIVATE ${CMAKE_CURRENT_LIST_DIR}/activitypub.cpp)
