#include "test_server.hpp"

#include <stdexcept>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace guildhall::federation::egress::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {

std::string bio_string(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

void check(bool ok, const char* what) {
  if (!ok)
    throw std::runtime_error(std::string("openssl: ") + what);
}

}  // namespace

TestCertificate make_self_signed(const std::string& dns_name) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  check(key != nullptr, "EVP_EC_gen");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(dns_name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  const std::string san = "DNS:" + dns_name + ",IP:127.0.0.1";
  for (auto [nid, value] : {std::pair{NID_subject_alt_name, san.c_str()},
                            std::pair{NID_basic_constraints, "critical,CA:TRUE"},
                            std::pair{NID_key_usage, "critical,digitalSignature,keyCertSign"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    check(ext != nullptr, "X509V3_EXT_conf_nid");
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
  check(X509_sign(cert, key, EVP_sha256()) > 0, "X509_sign");

  TestCertificate out;
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  out.cert_pem = bio_string(bio);
  BIO_free(bio);
  bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  out.key_pem = bio_string(bio);
  BIO_free(bio);
  X509_free(cert);
  EVP_PKEY_free(key);
  return out;
}

TestServer::TestServer(const TestCertificate* certificate)
    : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}), gate_(io_) {
  gate_.expires_at(asio::steady_timer::time_point::max());
  if (certificate) {
    tls_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    tls_->use_certificate_chain(asio::buffer(certificate->cert_pem));
    tls_->use_private_key(asio::buffer(certificate->key_pem), asio::ssl::context::pem);
  }
  port_ = acceptor_.local_endpoint().port();
  asio::co_spawn(io_, accept_loop(), asio::detached);
  thread_ = std::thread([this] { io_.run(); });
}

TestServer::~TestServer() {
  asio::post(io_, [this] {
    boost::system::error_code ec;
    acceptor_.close(ec);
    gate_.cancel();
  });
  io_.stop();
  thread_.join();
}

void TestServer::route(std::string path, TestHandler handler) {
  std::lock_guard lock(mutex_);
  routes_[std::move(path)] = std::move(handler);
}

void TestServer::text(std::string path, std::string body) {
  route(std::move(path), [body](const TestRequest& req) -> asio::awaitable<TestResponse> {
    TestResponse res{http::status::ok, req.version()};
    res.set(http::field::content_type, "text/plain");
    res.body() = body;
    co_return res;
  });
}

void TestServer::redirect(std::string path, std::string location, unsigned status) {
  route(std::move(path),
        [location, status](const TestRequest& req) -> asio::awaitable<TestResponse> {
          TestResponse res{static_cast<http::status>(status), req.version()};
          res.set(http::field::location, location);
          co_return res;
        });
}

std::string TestServer::url(std::string_view path) const {
  return (tls_ ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(port_) +
         std::string(path);
}

std::size_t TestServer::hits(const std::string& path) const {
  std::lock_guard lock(mutex_);
  auto it = hits_.find(path);
  return it == hits_.end() ? 0 : it->second;
}

std::vector<TestRequest> TestServer::received() const {
  std::lock_guard lock(mutex_);
  return received_;
}

asio::awaitable<void> TestServer::gate() {
  boost::system::error_code ec;
  co_await gate_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

void TestServer::release() {
  asio::post(io_, [this] { gate_.cancel(); });
}

asio::awaitable<void> TestServer::accept_loop() {
  while (true) {
    boost::system::error_code ec;
    auto socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec)
      co_return;
    ++connections_;
    asio::co_spawn(io_, session(std::move(socket)), asio::detached);
  }
}

template <typename Stream>
asio::awaitable<void> TestServer::serve(Stream& stream) {
  beast::flat_buffer buffer;
  for (int number = 1;; ++number) {
    boost::system::error_code ec;
    TestRequest req;
    co_await http::async_read(stream, buffer, req, asio::redirect_error(asio::use_awaitable, ec));
    if (ec)
      co_return;
    ++requests_;
    TestHandler handler;
    {
      std::lock_guard lock(mutex_);
      std::string path(req.target().substr(0, req.target().find('?')));
      ++hits_[path];
      received_.push_back(req);
      if (auto it = routes_.find(path); it != routes_.end())
        handler = it->second;
    }
    if (number == drop_request_number.load())
      co_return;
    TestResponse res{http::status::not_found, req.version()};
    if (handler)
      res = co_await handler(req);
    res.keep_alive(req.keep_alive());
    if (!res.chunked())
      res.prepare_payload();
    co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !req.keep_alive() || close_after_response.load())
      co_return;
  }
}

asio::awaitable<void> TestServer::session(asio::ip::tcp::socket socket) {
  boost::system::error_code ignored;
  if (!tls_) {
    co_await serve(socket);
    socket.close(ignored);
    ++closed_;
    co_return;
  }
  beast::ssl_stream<asio::ip::tcp::socket> stream(std::move(socket), *tls_);
  boost::system::error_code ec;
  co_await stream.async_handshake(asio::ssl::stream_base::server,
                                  asio::redirect_error(asio::use_awaitable, ec));
  if (!ec)
    co_await serve(stream);
  stream.next_layer().close(ignored);
  ++closed_;
}

}  // namespace guildhall::federation::egress::testing
