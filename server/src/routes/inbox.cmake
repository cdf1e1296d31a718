# ActivityPub inboxes (POST /inbox, /actor/inbox, /users/{handle}/inbox, /c/{handle}/inbox).
target_sources(guildhall_server PRIVATE ${CMAKE_CURRENT_LIST_DIR}/inbox.cpp)
