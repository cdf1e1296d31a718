# The web app at / (web.root) and the fallback for its client-side routes.
target_sources(guildhall_server PRIVATE ${CMAKE_CURRENT_LIST_DIR}/web.cpp)
