target_sources(guildhall_federation PRIVATE ${CMAKE_CURRENT_LIST_DIR}/people.cpp
  ${CMAKE_CURRENT_LIST_DIR}/communities.cpp)
target_link_libraries(guildhall_federation PRIVATE guildhall::content)
target_sources(guildhall_federation PRIVATE ${CMAKE_CURRENT_LIST_DIR}/remote_communities.cpp)
