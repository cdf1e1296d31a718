# ActivityPub routes: discovery (WebFinger, host-meta, NodeInfo, actors and collections), and the
# signed-GET check they share with later routes (authorized fetch, private communities).
target_sources(guildhall_server PRIVATE ${CMAKE_CURRENT_LIST_DIR}/activitypub.cpp
                                        ${CMAKE_CURRENT_LIST_DIR}/signed_fetch.cpp)
