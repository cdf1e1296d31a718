#pragma once

#include <string>
#include <string_view>

#include "guildhall/core/error.hpp"

namespace guildhall::federation::signatures {

// Why a signed request was refused. Every failure of verify_request() carries one: the error
// message starts with the reason code and a colon ("digest_mismatch: ..."), so the inbox can log a
// stable code (`inbox.reject reason=digest_mismatch`) and answer with http_status(reason).
//
// Status policy (security catalogue §2.0): 401 only where a correct sender could succeed by
// retrying (fresh key, fresh date, transient key fetch failure); Mastodon retries 401 for days, so
// permanent refusals get 400 or 403 instead.
//
// | reason                 | status | when |
// |------------------------|--------|--------------------------------------------------------------|
// | signature_missing      | 401    | no Signature / Authorization: Signature / Signature-Input |
// | signature_malformed    | 400    | unparseable header, duplicate parameter, over the size caps |
// | duplicate_header       | 400    | two Host, Date, Digest, Content-Digest or signature fields |
// | signature_incomplete   | 401    | keyId or signature missing or empty (catalogue SIG-02) | |
// signature_encoding     | 401    | signature value is not base64 (SIG-02)                       |
// | algorithm_unsupported  | 401    | rsa-sha1, hmac, ecdsa, unknown label (SIG-22, SIG-24) | |
// component_unsupported  | 401    | an RFC 9421 component or parameter we do not implement       |
// | not_covered            | 401    | policy: method/target/host/date/digest not signed | |
// header_missing         | 401    | a signed header is absent from the request                   |
// | date_invalid           | 401    | Date / created / expires unparseable | | signature_expired |
// 401    | too old, or past its expires (SIG-06)                        | | signature_future | 401
// | created / Date more than the skew margin ahead (SIG-07)      | | digest_missing         | 401
// | a body without a covered Digest / Content-Digest             | | digest_unsupported     | 401
// | no SHA-256 (or sha-512 for Content-Digest) entry             | | digest_mismatch        | 401
// | digest does not match the body, or is malformed              | | host_mismatch          | 401
// | signed Host is not ours (SIG-15)                             | | key_id_invalid         | 401
// | keyId not an https URL; checked before any resolution        | | key_unavailable        | 401
// | the resolver could not produce the key (retry may help)      | | key_forbidden          | 403
// | the resolver refused the key (blocked domain, suspended)     | | key_rejected           | 401
// | RSA key outside the allowed size, bad exponent (SIG-30)      | | key_type_mismatch      | 401
// | algorithm label names a different key type (SIG-23)         | | signature_mismatch     | 401 |
// the signature does not verify                                | | actor_mismatch         | 403 |
// key owner is not the activity's actor (SIG-16, SIG-17)       |
enum class Reason {
  signature_missing,
  signature_malformed,
  duplicate_header,
  signature_incomplete,
  signature_encoding,
  algorithm_unsupported,
  component_unsupported,
  not_covered,
  header_missing,
  date_invalid,
  signature_expired,
  signature_future,
  digest_missing,
  digest_unsupported,
  digest_mismatch,
  host_mismatch,
  key_id_invalid,
  key_unavailable,
  key_forbidden,
  key_rejected,
  key_type_mismatch,
  signature_mismatch,
  actor_mismatch,
};

std::string_view to_string(Reason reason) noexcept;
// The status the inbox (or an authorized-fetch endpoint) answers with.
int http_status(Reason reason) noexcept;
// core::Error with the kind matching the status (400 → invalid_input, 401 → unauthorized,
// 403 → forbidden) and the message "<code>: <detail>"; the detail never echoes secrets.
core::Error make_error(Reason reason, std::string_view detail);
// The reason of an error made by make_error(); false for any other error.
bool reason_of(const core::Error& error, Reason& out);

}  // namespace guildhall::federation::signatures
