# OAuth 2 for Mastodon clients, and the client API's shared conventions (server/src/api/).
target_sources(guildhall_server PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/oauth.cpp
  ${CMAKE_CURRENT_LIST_DIR}/web_session.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../api/session.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../api/support.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../api/scopes.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../api/endpoint.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../api/entities.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../api/lists.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../api/streaming.cpp)
target_link_libraries(guildhall_server PRIVATE OpenSSL::Crypto guildhall::content)
