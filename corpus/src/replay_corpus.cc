// The corpus file format (docs/corpus_format.md): a magic and version, then
// tagged length-prefixed records, then an end record with the counts and a
// SHA-256 of everything before it.
#include "keystorm/corpus/replay_corpus.h"

#include <openssl/bytestring.h>
#include <openssl/mem.h>
#include <openssl/sha.h>

#include <bit>
#include <cstring>
#include <fstream>

#include "keystorm/read_file.h"

namespace keystorm::corpus {
namespace {

constexpr char kMagic[8] = {'K', 'S', 'R', 'E', 'P', 'L', 'A', 'Y'};

enum RecordTag : uint8_t {
  kTagHeader = 1,
  kTagCredential = 2,
  kTagUnregistered = 3,
  kTagLogin = 4,
  kTagEnd = 0xff,
};

// ---- writing ----

void PutU8(Bytes* out, uint8_t v) { out->push_back(v); }
void PutU16(Bytes* out, uint16_t v) {
  out->push_back(static_cast<uint8_t>(v >> 8));
  out->push_back(static_cast<uint8_t>(v));
}
void PutU32(Bytes* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<uint8_t>(v >> shift));
}
void PutU64(Bytes* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<uint8_t>(v >> shift));
}
void PutDouble(Bytes* out, double v) { PutU64(out, std::bit_cast<uint64_t>(v)); }
void PutBlob(Bytes* out, ByteView b) {
  PutU16(out, static_cast<uint16_t>(b.size()));
  out->insert(out->end(), b.begin(), b.end());
}
void PutString(Bytes* out, std::string_view s) { PutBlob(out, AsBytes(s)); }

void PutRecord(Bytes* out, RecordTag tag, const Bytes& payload) {
  PutU8(out, tag);
  PutU32(out, static_cast<uint32_t>(payload.size()));
  out->insert(out->end(), payload.begin(), payload.end());
}

Bytes CredentialPayload(const CorpusCredential& c) {
  Bytes p;
  PutU8(&p, static_cast<uint8_t>(c.kind));
  PutU32(&p, static_cast<uint32_t>(static_cast<int32_t>(c.algorithm)));
  PutBlob(&p, c.credential_id);
  PutBlob(&p, c.user_handle);
  PutBlob(&p, c.cose_key);
  PutBlob(&p, c.private_key);
  PutU8(&p, c.backup_eligible ? 1 : 0);
  p.insert(p.end(), c.registration_challenge.begin(), c.registration_challenge.end());
  return p;
}

Bytes LoginPayload(const CorpusLogin& l) {
  Bytes p;
  PutU64(&p, l.arrival_us);
  PutU32(&p, l.credential);
  PutU8(&p, static_cast<uint8_t>(l.fault));
  PutU8(&p, static_cast<uint8_t>(l.expected));
  PutU8(&p, l.flags);
  PutU32(&p, l.sign_count);
  p.insert(p.end(), l.challenge.begin(), l.challenge.end());
  PutBlob(&p, l.signature);
  return p;
}

// ---- reading (CBS cursors: each read advances or fails) ----

bool GetBlob(CBS* cbs, Bytes* out) {
  CBS blob;
  if (!CBS_get_u16_length_prefixed(cbs, &blob)) return false;
  out->assign(CBS_data(&blob), CBS_data(&blob) + CBS_len(&blob));
  return true;
}
bool GetString(CBS* cbs, std::string* out) {
  CBS blob;
  if (!CBS_get_u16_length_prefixed(cbs, &blob)) return false;
  out->assign(reinterpret_cast<const char*>(CBS_data(&blob)), CBS_len(&blob));
  return true;
}
bool GetDouble(CBS* cbs, double* out) {
  uint64_t bits;
  if (!CBS_get_u64(cbs, &bits)) return false;
  *out = std::bit_cast<double>(bits);
  return true;
}
template <size_t N>
bool GetArray(CBS* cbs, std::array<uint8_t, N>* out) {
  return CBS_copy_bytes(cbs, out->data(), N);
}

bool ParseCredential(CBS* cbs, CorpusCredential* c) {
  uint8_t kind, be;
  uint32_t alg;
  if (!CBS_get_u8(cbs, &kind) || kind >= kAuthenticatorKindCount || !CBS_get_u32(cbs, &alg) ||
      !GetBlob(cbs, &c->credential_id) || !GetBlob(cbs, &c->user_handle) ||
      !GetBlob(cbs, &c->cose_key) || !GetBlob(cbs, &c->private_key) || !CBS_get_u8(cbs, &be) ||
      be > 1 || !GetArray(cbs, &c->registration_challenge) || CBS_len(cbs) != 0) {
    return false;
  }
  c->kind = static_cast<AuthenticatorKind>(kind);
  c->algorithm = static_cast<int32_t>(alg);
  c->backup_eligible = be == 1;
  return true;
}

bool ParseLogin(CBS* cbs, CorpusLogin* l) {
  uint8_t fault, expected;
  if (!CBS_get_u64(cbs, &l->arrival_us) || !CBS_get_u32(cbs, &l->credential) ||
      !CBS_get_u8(cbs, &fault) || fault >= kFaultCount || !CBS_get_u8(cbs, &expected) ||
      expected >= kVerifyErrorCount || !CBS_get_u8(cbs, &l->flags) ||
      !CBS_get_u32(cbs, &l->sign_count) || !GetArray(cbs, &l->challenge) ||
      !GetBlob(cbs, &l->signature) || CBS_len(cbs) != 0) {
    return false;
  }
  l->fault = static_cast<Fault>(fault);
  l->expected = static_cast<VerifyError>(expected);
  return true;
}

}  // namespace

std::string_view AuthenticatorKindName(AuthenticatorKind kind) {
  switch (kind) {
    case AuthenticatorKind::kPlatform: return "platform";
    case AuthenticatorKind::kSecurityKey: return "security-key";
    case AuthenticatorKind::kHello: return "hello";
  }
  return "?";
}

std::optional<AuthenticatorKind> AuthenticatorKindFromName(std::string_view name) {
  for (int k = 0; k < kAuthenticatorKindCount; ++k) {
    if (AuthenticatorKindName(static_cast<AuthenticatorKind>(k)) == name) {
      return static_cast<AuthenticatorKind>(k);
    }
  }
  return std::nullopt;
}

std::string_view FaultName(Fault fault) {
  switch (fault) {
#define KEYSTORM_X_CASE(e, name, code) \
  case Fault::e:                       \
    return name;
    KEYSTORM_REPLAY_FAULTS(KEYSTORM_X_CASE)
#undef KEYSTORM_X_CASE
  }
  return "?";
}

std::optional<Fault> FaultFromName(std::string_view name) {
  for (int f = 0; f < kFaultCount; ++f) {
    if (FaultName(static_cast<Fault>(f)) == name) return static_cast<Fault>(f);
  }
  return std::nullopt;
}

VerifyError ExpectedVerdict(Fault fault) {
  switch (fault) {
#define KEYSTORM_X_CASE(e, name, code) \
  case Fault::e:                       \
    return VerifyError::code;
    KEYSTORM_REPLAY_FAULTS(KEYSTORM_X_CASE)
#undef KEYSTORM_X_CASE
  }
  return VerifyError::kOk;
}

Bytes SerializeReplayCorpus(const ReplayCorpus& corpus) {
  Bytes out(kMagic, kMagic + sizeof(kMagic));
  PutU16(&out, kReplayCorpusVersion);
  Bytes header;
  PutU64(&header, corpus.seed);
  PutString(&header, corpus.rp_id);
  PutString(&header, corpus.origin);
  PutDouble(&header, corpus.storm.peak_rate);
  PutDouble(&header, corpus.storm.ramp_s);
  PutDouble(&header, corpus.storm.start_fraction);
  PutRecord(&out, kTagHeader, header);
  for (const auto& c : corpus.credentials) PutRecord(&out, kTagCredential, CredentialPayload(c));
  for (const auto& c : corpus.unregistered) PutRecord(&out, kTagUnregistered, CredentialPayload(c));
  for (const auto& l : corpus.logins) PutRecord(&out, kTagLogin, LoginPayload(l));
  Bytes end;
  PutU32(&end, static_cast<uint32_t>(corpus.credentials.size()));
  PutU32(&end, static_cast<uint32_t>(corpus.unregistered.size()));
  PutU32(&end, static_cast<uint32_t>(corpus.logins.size()));
  uint8_t digest[32];
  SHA256(out.data(), out.size(), digest);
  end.insert(end.end(), digest, digest + 32);
  PutRecord(&out, kTagEnd, end);
  return out;
}

Result<ReplayCorpus> ParseReplayCorpus(ByteView bytes) {
  CBS cbs;
  CBS_init(&cbs, bytes.data(), bytes.size());
  CBS magic;
  uint16_t version;
  if (!CBS_get_bytes(&cbs, &magic, sizeof(kMagic)) ||
      std::memcmp(CBS_data(&magic), kMagic, sizeof(kMagic)) != 0 || !CBS_get_u16(&cbs, &version)) {
    return Status::Corruption("not a Keystorm replay corpus (bad magic)");
  }
  if (version != kReplayCorpusVersion) {
    return Status::InvalidArgument("replay corpus version " + std::to_string(version) +
                                   " (this build reads " + std::to_string(kReplayCorpusVersion) + ")");
  }
  ReplayCorpus corpus;
  bool have_header = false;
  for (size_t index = 0;; ++index) {
    size_t offset = bytes.size() - CBS_len(&cbs);
    uint8_t tag;
    uint32_t length;
    CBS payload;
    if (!CBS_get_u8(&cbs, &tag) || !CBS_get_u32(&cbs, &length) ||
        !CBS_get_bytes(&cbs, &payload, length)) {
      return Status::Corruption("truncated record " + std::to_string(index) + " at byte " +
                                std::to_string(offset));
    }
    auto bad = [&](std::string_view what) {
      return Status::Corruption("bad " + std::string(what) + " record " + std::to_string(index) +
                                " at byte " + std::to_string(offset));
    };
    if (tag != kTagHeader && !have_header) return bad("first (header expected)");
    switch (tag) {
      case kTagHeader:
        if (have_header || !CBS_get_u64(&payload, &corpus.seed) ||
            !GetString(&payload, &corpus.rp_id) || !GetString(&payload, &corpus.origin) ||
            !GetDouble(&payload, &corpus.storm.peak_rate) ||
            !GetDouble(&payload, &corpus.storm.ramp_s) ||
            !GetDouble(&payload, &corpus.storm.start_fraction) || CBS_len(&payload) != 0) {
          return bad("header");
        }
        have_header = true;
        break;
      case kTagCredential:
      case kTagUnregistered: {
        CorpusCredential c;
        if (!ParseCredential(&payload, &c)) return bad("credential");
        (tag == kTagCredential ? corpus.credentials : corpus.unregistered).push_back(std::move(c));
        break;
      }
      case kTagLogin: {
        CorpusLogin l;
        if (!ParseLogin(&payload, &l)) return bad("login");
        const auto& pool =
            (l.flags & kLoginUnregisteredCredential) ? corpus.unregistered : corpus.credentials;
        if (l.credential >= pool.size()) return bad("login (credential index)");
        if (!corpus.logins.empty() && l.arrival_us < corpus.logins.back().arrival_us) {
          return bad("login (arrival order)");
        }
        corpus.logins.push_back(std::move(l));
        break;
      }
      case kTagEnd: {
        uint32_t credentials, unregistered, logins;
        uint8_t digest[32];
        SHA256(bytes.data(), offset, digest);
        if (!CBS_get_u32(&payload, &credentials) || !CBS_get_u32(&payload, &unregistered) ||
            !CBS_get_u32(&payload, &logins) || CBS_len(&payload) != 32 ||
            CRYPTO_memcmp(CBS_data(&payload), digest, 32) != 0) {
          return bad("end (checksum)");
        }
        if (credentials != corpus.credentials.size() ||
            unregistered != corpus.unregistered.size() || logins != corpus.logins.size()) {
          return bad("end (counts)");
        }
        if (CBS_len(&cbs) != 0) return Status::Corruption("bytes after the end record");
        return corpus;
      }
      default:
        return bad("unknown-tag");
    }
  }
}

Status WriteReplayCorpusFile(const std::string& path, const ReplayCorpus& corpus) {
  Bytes bytes = SerializeReplayCorpus(corpus);
  // Write beside, then rename: a reader never sees half a corpus.
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out.good()) return Status::IOError("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return Status::IOError("cannot rename to " + path);
  return Status::Ok();
}

Result<ReplayCorpus> ReadReplayCorpusFile(const std::string& path) {
  std::optional<std::string> bytes = ReadWholeFile(path);
  if (!bytes) return Status::IOError("cannot read " + path);
  Result<ReplayCorpus> corpus = ParseReplayCorpus(AsBytes(*bytes));
  if (!corpus) {
    std::string message = path + ": " + std::string(corpus.error().message());
    return corpus.error().code() == Status::Code::kInvalidArgument ? Status::InvalidArgument(message)
                                                                   : Status::Corruption(message);
  }
  return corpus;
}

}  // namespace keystorm::corpus
