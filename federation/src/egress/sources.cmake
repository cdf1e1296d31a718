# The egress HTTP client: every outgoing request of Guildhall (security catalogue rule 5).
target_sources(guildhall_federation PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/address.cpp
  ${CMAKE_CURRENT_LIST_DIR}/client.cpp
  ${CMAKE_CURRENT_LIST_DIR}/pool.cpp
  ${CMAKE_CURRENT_LIST_DIR}/resolver.cpp
  ${CMAKE_CURRENT_LIST_DIR}/url.cpp)
# The public egress headers use Asio's awaitable and ip::address.
target_link_libraries(guildhall_federation
  PUBLIC Boost::headers Threads::Threads
  PRIVATE Boost::url)
set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/client.cpp PROPERTIES
  COMPILE_DEFINITIONS GUILDHALL_EGRESS_VERSION="${PROJECT_VERSION}")
