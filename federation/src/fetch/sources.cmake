# Fetch: dereferencing remote documents (signed GETs), remote actors, the fetching key resolver
# and the signed delivery transport.
target_sources(guildhall_federation PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/dereferencer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/instance_software.cpp
  ${CMAKE_CURRENT_LIST_DIR}/key_resolver.cpp
  ${CMAKE_CURRENT_LIST_DIR}/remote_actors.cpp
  ${CMAKE_CURRENT_LIST_DIR}/remote_groups.cpp
  ${CMAKE_CURRENT_LIST_DIR}/transport.cpp)
