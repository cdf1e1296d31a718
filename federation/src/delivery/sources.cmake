# Delivery: the worker draining the persistent delivery queue through a DeliveryTransport.
target_sources(guildhall_federation PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/schedule.cpp
  ${CMAKE_CURRENT_LIST_DIR}/transport.cpp
  ${CMAKE_CURRENT_LIST_DIR}/worker.cpp)
target_link_libraries(guildhall_federation PRIVATE Threads::Threads)
