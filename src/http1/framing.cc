// Framing and connection-reuse decisions from a head's fields (RFC 9112 §6, §9.3).
#include "http1/framing.h"

#include <cstring>
#include <limits>

#include "http1/field_syntax.h"
#include "http1/parse_results.h"
#include "http1/token_list.h"

namespace yoke::http1::framing {
namespace {

enum class FieldKind : unsigned char {
  kOther,
  kHost,
  kContentLength,
  kTransferEncoding,
  kConnection,
  kExpect,
  kUpgrade,
  kFramingLookalike,
};

// True when name equals lower_name ignoring ASCII case, where name is a token (a scanned field
// name) and lower_name is lower-case letters and '-' of the same length. For such names one OR
// with 0x20 per byte is a full case fold: it maps 'A'-'Z' onto 'a'-'z' and leaves 'a'-'z' and
// '-' alone, and no other tchar (RFC 9110 §5.6.2) becomes a letter or '-' that way (only CR,
// 0x0D, would become '-'). So eight bytes are compared with one OR and one compare; a name
// shorter than a word goes byte by byte.
bool is_field(std::string_view name, std::string_view lower_name) {
  constexpr std::uint64_t kFold = 0x2020202020202020ULL;
  constexpr std::size_t kWord = sizeof(std::uint64_t);
  const std::size_t size = name.size();
  if (size < kWord) {
    for (std::size_t i = 0; i < size; ++i) {
      if ((name[i] | 0x20) != lower_name[i]) return false;
    }
    return true;
  }
  const auto word = [](std::string_view text, std::size_t at) {
    std::uint64_t value;
    std::memcpy(&value, text.data() + at, sizeof value);
    return value;
  };
  // Whole words, then one more that ends at the last byte (it may overlap the one before).
  for (std::size_t at = 0; at + kWord <= size; at += kWord) {
    if ((word(name, at) | kFold) != word(lower_name, at)) return false;
  }
  return (word(name, size - kWord) | kFold) == word(lower_name, size - kWord);
}

// True when name, a token of lower_name's length that is not lower_name itself, reads as
// lower_name once every "_" is taken for "-" (CGI's HTTP_CONTENT_LENGTH naming, RFC 3875
// §4.1.18). Only called for names of a framing field's length, so its loop is off the hot path.
bool is_lookalike(std::string_view name, std::string_view lower_name) {
  bool underscore = false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == '_' && lower_name[i] == '-') {
      underscore = true;
    } else if ((c | 0x20) != lower_name[i]) {
      return false;
    }
  }
  return underscore;
}

FieldKind framing_field(std::string_view name, std::string_view lower_name, FieldKind kind) {
  if (is_field(name, lower_name)) return kind;
  return is_lookalike(name, lower_name) ? FieldKind::kFramingLookalike : FieldKind::kOther;
}

// Most fields are none of these: dispatch on length first, so the common case costs one switch
// and one comparison of a letter.
FieldKind classify(std::string_view name) {
  switch (name.size()) {
    case 4:
      return is_field(name, "host") ? FieldKind::kHost : FieldKind::kOther;
    case 6:
      return is_field(name, "expect") ? FieldKind::kExpect : FieldKind::kOther;
    case 7:
      return is_field(name, "upgrade") ? FieldKind::kUpgrade : FieldKind::kOther;
    case 10:
      return is_field(name, "connection") ? FieldKind::kConnection : FieldKind::kOther;
    case 14:
      return framing_field(name, "content-length", FieldKind::kContentLength);
    case 17:
      return framing_field(name, "transfer-encoding", FieldKind::kTransferEncoding);
    default:
      return FieldKind::kOther;
  }
}

// transfer-coding = token *( OWS ";" OWS transfer-parameter ) (RFC 9112 §6.1, RFC 9110 §10.1.4).
void note_transfer_coding(std::string_view element, TransferCodings& codings) {
  const std::size_t semicolon = element.find(';');
  const std::string_view name = syntax::trim_ows(element.substr(0, semicolon));
  if (!syntax::is_token(name)) {
    codings.malformed = true;
    return;
  }
  if (iequals(name, "chunked")) {
    // chunked takes no parameters; "chunked;x=y" is read differently by different servers.
    if (semicolon != std::string_view::npos) codings.malformed = true;
    ++codings.chunked_count;
    codings.chunked_last = true;
    return;
  }
  codings.other_coding = true;
  codings.chunked_last = false;
}

void note_transfer_encoding(std::string_view value, TransferCodings& codings) {
  codings.seen = true;
  ListElements elements(value);
  std::string_view element;
  while (elements.next(element)) {
    // Empty elements are legal list syntax, but parsers disagree about "chunked," and
    // ", chunked": reject rather than guess how the next hop reads it.
    if (element.empty()) {
      codings.malformed = true;
      continue;
    }
    note_transfer_coding(element, codings);
  }
}

void note_connection(std::string_view value, KnownFields& known) {
  ListElements elements(value);
  std::string_view option;
  while (elements.next(option)) {
    if (iequals(option, "close")) {
      known.connection_close = true;
    } else if (iequals(option, "keep-alive")) {
      known.connection_keep_alive = true;
    } else if (iequals(option, "upgrade")) {
      known.connection_upgrade = true;
    }
  }
}

// RFC 9112 §9.3: HTTP/1.1 persists unless "close"; HTTP/1.0 only with "keep-alive" (RFC 9112
// Appendix C.2.2). "close" wins over "keep-alive" when both appear.
bool persistent(int version_minor, const KnownFields& known) {
  if (known.connection_close) return false;
  return version_minor >= 1 || known.connection_keep_alive;
}

}  // namespace

std::string_view parse_content_length(std::string_view value, bool& seen, std::uint64_t& length) {
  constexpr std::uint64_t kMax = std::numeric_limits<std::int64_t>::max();
  ListElements elements(value);
  std::string_view element;
  while (elements.next(element)) {
    if (element.empty()) return "empty Content-Length";
    std::uint64_t parsed = 0;
    for (char c : element) {
      if (c < '0' || c > '9') return "invalid Content-Length";
      const auto digit = static_cast<std::uint64_t>(c - '0');
      if (parsed > (kMax - digit) / 10) return "Content-Length too large";
      parsed = parsed * 10 + digit;
    }
    if (seen && parsed != length) return "differing Content-Length values";
    seen = true;
    length = parsed;
  }
  return {};
}

void note_field(const Header& field, KnownFields& known) {
  switch (classify(field.name)) {
    case FieldKind::kOther:
      return;
    case FieldKind::kHost:
      ++known.host_count;
      known.host = field.value;
      return;
    case FieldKind::kContentLength: {
      const std::string_view problem =
          parse_content_length(field.value, known.content_length_seen, known.content_length);
      // A bad value still counts as "seen": together with Transfer-Encoding it is ambiguous.
      known.content_length_seen = true;
      if (known.content_length_error.empty()) known.content_length_error = problem;
      return;
    }
    case FieldKind::kTransferEncoding:
      note_transfer_encoding(field.value, known.transfer_encoding);
      return;
    case FieldKind::kConnection:
      note_connection(field.value, known);
      return;
    case FieldKind::kExpect:
      if (iequals(field.value, "100-continue")) known.expect_continue = true;
      return;
    case FieldKind::kUpgrade:
      known.upgrade_field = true;
      return;
    case FieldKind::kFramingLookalike:
      known.framing_lookalike = true;
      return;
  }
}

namespace {

// RFC 9112 §6.3 rules 3 and 4 for requests, strictest reading (against smuggling, §11.2).
ParseResult request_transfer_encoding(const KnownFields& known, int version_minor) {
  const TransferCodings& codings = known.transfer_encoding;
  // RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 means faulty framing; nginx rejects it too.
  if (version_minor == 0) return error(400, "Transfer-Encoding in an HTTP/1.0 request");
  if (known.content_length_seen) {
    return error(400, "both Content-Length and Transfer-Encoding");
  }
  if (codings.malformed) return error(400, "malformed Transfer-Encoding");
  if (codings.chunked_count > 1) return error(400, "chunked transfer coding applied twice");
  if (!codings.chunked_last) return error(400, "chunked is not the final transfer coding");
  // RFC 9112 §6.1: a server receiving a transfer coding it does not understand SHOULD answer
  // 501. Yoke decodes only chunked.
  if (codings.other_coding) return error(501, "unsupported transfer coding");
  return complete();
}

}  // namespace

ParseResult apply_request_framing(const KnownFields& known, RequestHead& out) {
  // RFC 9112 §11.2: a field the next hop may read as framing when Yoke does not is as
  // ambiguous as two framings. Responses are not checked: the upstream is no attacker's peer.
  if (known.framing_lookalike) {
    return error(400, "field name looks like Content-Length or Transfer-Encoding");
  }
  if (known.transfer_encoding.seen) {
    const ParseResult verdict = request_transfer_encoding(known, out.version_minor);
    if (!is_complete(verdict)) return verdict;
    out.body = BodyKind::kChunked;
  } else if (!known.content_length_error.empty()) {
    return error(400, known.content_length_error);
  } else if (known.content_length_seen) {
    out.body = BodyKind::kContentLength;
    out.content_length = known.content_length;
  } else {
    out.body = BodyKind::kNone;
  }
  const bool http11 = out.version_minor >= 1;
  out.keep_alive = persistent(out.version_minor, known);
  // RFC 9110 §10.1.1 and §7.8: HTTP/1.0 requests' 100-continue and Upgrade are ignored.
  out.expect_continue = http11 && known.expect_continue;
  out.upgrade = http11 && known.connection_upgrade && known.upgrade_field;
  return complete();
}

namespace {

// RFC 9112 §6.3 rule 1: responses that never have content, whatever their fields say.
bool has_no_content(int status, bool request_was_head) {
  return request_was_head || (status >= 100 && status < 200) || status == 204 || status == 304;
}

// RFC 9112 §6.3 rules 3 and 4 for responses: Transfer-Encoding overrides Content-Length, and a
// final coding other than chunked means the body runs until the server closes.
ParseResult response_transfer_encoding(const KnownFields& known, ResponseHead& out) {
  const TransferCodings& codings = known.transfer_encoding;
  if (codings.malformed) return error(502, "malformed Transfer-Encoding");
  // RFC 9112 §6.1: faulty framing in HTTP/1.0; with no reliable length, refuse the response.
  if (out.version_minor == 0) return error(502, "Transfer-Encoding in an HTTP/1.0 response");
  if (codings.chunked_count > 1) return error(502, "chunked transfer coding applied twice");
  if (codings.chunked_last) {
    out.body = BodyKind::kChunked;
    // RFC 9112 §6.3 rule 3: a message with both was possibly crafted to smuggle; do not reuse.
    if (known.content_length_seen) out.keep_alive = false;
  } else {
    out.body = BodyKind::kUntilClose;
    out.keep_alive = false;
  }
  return complete();
}

}  // namespace

ParseResult apply_response_framing(const KnownFields& known, bool request_was_head,
                                   ResponseHead& out) {
  // Checked even where the body kind ignores it: a malformed length is a broken upstream.
  if (!known.content_length_error.empty()) return error(502, known.content_length_error);
  out.keep_alive = persistent(out.version_minor, known);
  if (has_no_content(out.status, request_was_head)) {
    out.body = BodyKind::kNone;
    return complete();
  }
  if (known.transfer_encoding.seen) return response_transfer_encoding(known, out);
  if (known.content_length_seen) {
    out.body = BodyKind::kContentLength;
    out.content_length = known.content_length;
    return complete();
  }
  // RFC 9112 §6.3 rule 8: the body is everything until the server closes the connection.
  out.body = BodyKind::kUntilClose;
  out.keep_alive = false;
  return complete();
}

}  // namespace yoke::http1::framing
