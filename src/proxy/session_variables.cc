// Values of nginx variables for one request (ngx_http_variables.c), read while the upstream
// head is written. Views point into the request head or into the session.
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "client_session.h"
#include "worker.h"
#include "yoke/http1/message.h"

namespace yoke::proxy {
namespace {

// Finds NAME in "a=1&NAME=2" (separator '&') or "a=1; NAME=2" (separator ';').
std::string_view find_pair(std::string_view list, std::string_view name, char separator) {
  while (!list.empty()) {
    std::size_t end = list.find(separator);
    std::string_view pair = list.substr(0, end);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    std::size_t equals = pair.find('=');
    if (equals != std::string_view::npos && pair.substr(0, equals) == name) {
      return pair.substr(equals + 1);
    }
    if (end == std::string_view::npos) break;
    list.remove_prefix(end + 1);
  }
  return {};
}

std::string_view host_without_port(std::string_view host) {
  if (!host.empty() && host.front() == '[') return host.substr(0, host.find(']') + 1);
  return host.substr(0, host.find(':'));
}

// The client certificate's subject in RFC 2253 form, as nginx's $ssl_client_s_dn (1.11.6+).
std::string_view client_subject(const SSL* ssl, std::string& text) {
  X509* certificate = SSL_get0_peer_certificate(ssl);
  if (certificate == nullptr) return "";
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return "";
  X509_NAME_print_ex(bio, X509_get_subject_name(certificate), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  text.clear();
  if (data != nullptr && length > 0) text.assign(data, static_cast<std::size_t>(length));
  BIO_free(bio);
  return text;
}

// nginx's $ssl_client_verify: SUCCESS, FAILED:reason or NONE.
std::string_view client_verify(const SSL* ssl, std::string& text) {
  if (SSL_get0_peer_certificate(ssl) == nullptr) return "NONE";
  long result = SSL_get_verify_result(ssl);
  if (result == X509_V_OK) return "SUCCESS";
  text = std::string("FAILED:") + X509_verify_cert_error_string(result);
  return text;
}

// ngx_http_ssl_module's variables; empty on a plain connection, as in nginx. Empty values are
// "" rather than a null view: they end up in memcpy, which must not see a null pointer.
std::string_view tls_value(router::VariableId id, const SSL* ssl, std::string& text) {
  if (ssl == nullptr) return "";
  const char* name = nullptr;
  switch (id) {
    case router::VariableId::kSslProtocol:
      name = SSL_get_version(ssl);
      break;
    case router::VariableId::kSslCipher:
      name = SSL_CIPHER_get_name(SSL_get_current_cipher(ssl));
      break;
    case router::VariableId::kSslServerName:
      name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
      break;
    case router::VariableId::kSslSessionReused:
      return SSL_session_reused(ssl) == 1 ? "r" : ".";
    case router::VariableId::kSslClientSubject:
      return client_subject(ssl, text);
    case router::VariableId::kSslClientVerify:
      return client_verify(ssl, text);
    default:
      break;
  }
  return name != nullptr ? std::string_view(name) : std::string_view("");
}

}  // namespace

std::string_view ClientSession::forwarded_for() const { return forwarded_for_; }

std::string_view ClientSession::user_value(std::uint32_t index) const {
  return gen().routes().variables().value(index, *this, user_values_);
}

std::string_view ClientSession::proxy_host() const {
  if (route_->dynamic_upstream) return gen().routes().upstreams()[upstream_index_].config->name;
  return route_->config->proxy_pass->host_text;
}

std::string_view ClientSession::value(router::VariableId id, std::string_view name) const {
  // Only the cases that read the head dereference it: access logs read the others when the
  // request has ended (session_log.cc).
  const http1::RequestHead* head = current_head_;
  std::string& text = worker_.scratch().text;
  switch (id) {
    case router::VariableId::kHost: {
      std::string_view host = host_without_port(head->host);
      return host.empty() ? std::string_view(server_->primary_name) : host;
    }
    case router::VariableId::kRemoteAddr:
    case router::VariableId::kProxyAddXForwardedFor:
      return remote_addr();
    case router::VariableId::kRemotePort:
      text = std::to_string(peer_.port());
      return text;
    case router::VariableId::kBinaryRemoteAddr: {
      const sockaddr* address = peer_.get();
      if (address->sa_family == AF_INET) {
        const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
        return {reinterpret_cast<const char*>(&v4->sin_addr), 4};
      }
      const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
      return {reinterpret_cast<const char*>(&v6->sin6_addr), 16};
    }
    case router::VariableId::kRealipRemoteAddr:
      text = connection_->peer().host_text();
      return text;
    case router::VariableId::kProxyProtocolAddr:
    case router::VariableId::kProxyProtocolPort: {
      const PeerAddress* source = connection_->proxy_source();
      if (source == nullptr) return "";
      const SocketAddress address = source->expand();
      text = id == router::VariableId::kProxyProtocolAddr ? address.host_text()
                                                          : std::to_string(address.port());
      return text;
    }
    case router::VariableId::kScheme:
      return connection_->ssl() != nullptr ? "https" : "http";
    case router::VariableId::kSslProtocol:
    case router::VariableId::kSslCipher:
    case router::VariableId::kSslServerName:
    case router::VariableId::kSslSessionReused:
    case router::VariableId::kSslClientSubject:
    case router::VariableId::kSslClientVerify:
      return tls_value(id, connection_->ssl(), text);
    case router::VariableId::kRequestUri:
      return head->target;
    case router::VariableId::kUri:
      return uri_;
    case router::VariableId::kArgs:
      return head->query;
    case router::VariableId::kServerPort:
      text = std::to_string(server_port_);
      return text;
    case router::VariableId::kServerName:
      return server_->primary_name;
    case router::VariableId::kRequestMethod:
      return head->method;
    case router::VariableId::kProxyHost:
      return proxy_host();
    case router::VariableId::kRequestId:
      return request_id();
    case router::VariableId::kTraceId:
      return trace_id();
    case router::VariableId::kSpanId:
      return span_id();
    case router::VariableId::kRequest:
    case router::VariableId::kRemoteUser:
    case router::VariableId::kSentHttpField:
      return {};  // only in access logs, which capture them (session_log.cc)
    case router::VariableId::kTimeLocal:
    case router::VariableId::kTimeIso8601:
    case router::VariableId::kMsec:
    case router::VariableId::kServerProtocol:
    case router::VariableId::kStatus:
    case router::VariableId::kBodyBytesSent:
    case router::VariableId::kBytesSent:
    case router::VariableId::kRequestLength:
    case router::VariableId::kRequestTime:
    case router::VariableId::kUpstreamAddr:
    case router::VariableId::kUpstreamStatus:
    case router::VariableId::kUpstreamResponseTime:
    case router::VariableId::kUpstreamConnectTime:
    case router::VariableId::kUpstreamHeaderTime:
    case router::VariableId::kConnection:
    case router::VariableId::kConnectionRequests:
    case router::VariableId::kPipe:
      return log_value(id, name);
    case router::VariableId::kHttpField:
      for (std::size_t i = 0; i < head->header_count; ++i) {
        if (router::field_matches_variable(head->headers[i].name, name))
          return head->headers[i].value;
      }
      return {};
    case router::VariableId::kArg:
      return find_pair(head->query, name, '&');
    case router::VariableId::kCookie:
      for (std::size_t i = 0; i < head->header_count; ++i) {
        if (!http1::iequals(head->headers[i].name, "cookie")) continue;
        std::string_view found = find_pair(head->headers[i].value, name, ';');
        if (!found.empty()) return found;
      }
      return {};
    case router::VariableId::kUser:  // expand() asks user_value() for these
    case router::VariableId::kCapture:
    case router::VariableId::kLiteral:
      break;
  }
  return {};
}

}  // namespace yoke::proxy
