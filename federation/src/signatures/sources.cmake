# HTTP Signatures (draft-cavage and RFC 9421): signing, verification, digests, key parsing.
target_sources(guildhall_federation PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/digest.cpp
  ${CMAKE_CURRENT_LIST_DIR}/headers.cpp
  ${CMAKE_CURRENT_LIST_DIR}/keys.cpp
  ${CMAKE_CURRENT_LIST_DIR}/reasons.cpp
  ${CMAKE_CURRENT_LIST_DIR}/rfc9421.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sign.cpp
  ${CMAKE_CURRENT_LIST_DIR}/structured_fields.cpp
  ${CMAKE_CURRENT_LIST_DIR}/verify.cpp)
target_link_libraries(guildhall_federation PRIVATE Boost::url)
