#include "keystorm/test/cbor_writer.h"

#include <cstdlib>

namespace keystorm::test {

CborValue CborValue::Unsigned(uint64_t v) {
  CborValue c;
  c.kind_ = Kind::kUnsigned;
  c.number_ = v;
  return c;
}

CborValue CborValue::Int(int64_t v) {
  if (v >= 0) return Unsigned(static_cast<uint64_t>(v));
  CborValue c;
  c.kind_ = Kind::kNegative;
  // -1 - n == v  =>  n == -1 - v, computed without overflow for INT64_MIN.
  c.number_ = static_cast<uint64_t>(-(v + 1));
  return c;
}

CborValue CborValue::ByteString(ByteView v) {
  CborValue c;
  c.kind_ = Kind::kBytes;
  c.bytes_.assign(v.begin(), v.end());
  return c;
}

CborValue CborValue::TextString(std::string_view v) {
  CborValue c;
  c.kind_ = Kind::kText;
  ByteView b = AsBytes(v);
  c.bytes_.assign(b.begin(), b.end());
  return c;
}

CborValue CborValue::Array(std::vector<CborValue> items) {
  CborValue c;
  c.kind_ = Kind::kArray;
  c.items_ = std::move(items);
  return c;
}

CborValue CborValue::Map(std::vector<std::pair<CborValue, CborValue>> pairs) {
  CborValue c;
  c.kind_ = Kind::kMap;
  c.pairs_ = std::move(pairs);
  return c;
}

CborValue CborValue::Boolean(bool v) {
  CborValue c;
  c.kind_ = Kind::kBool;
  c.number_ = v ? 1 : 0;
  return c;
}

CborValue CborValue::Raw(ByteView encoded) {
  CborValue c;
  c.kind_ = Kind::kRaw;
  c.bytes_.assign(encoded.begin(), encoded.end());
  return c;
}

Bytes CborHead(uint8_t major_type, uint64_t value, int width) {
  Bytes out;
  uint8_t major = static_cast<uint8_t>(major_type << 5);
  switch (width) {
    case 0:
      out.push_back(static_cast<uint8_t>(major | value));
      return out;
    case 1:
      out.push_back(major | 24);
      break;
    case 2:
      out.push_back(major | 25);
      break;
    case 4:
      out.push_back(major | 26);
      break;
    case 8:
      out.push_back(major | 27);
      break;
    default:
      std::abort();  // a bug in the test, not an input
  }
  for (int i = width - 1; i >= 0; --i) out.push_back(static_cast<uint8_t>(value >> (8 * i)));
  return out;
}

Bytes CborShortestHead(uint8_t major_type, uint64_t value) {
  int width = value < 24            ? 0
              : value <= 0xff       ? 1
              : value <= 0xffff     ? 2
              : value <= 0xffffffff ? 4
                                    : 8;
  return CborHead(major_type, value, width);
}

void CborValue::EncodeTo(Bytes* out) const {
  auto head = [out](uint8_t major, uint64_t v) {
    Bytes h = CborShortestHead(major, v);
    out->insert(out->end(), h.begin(), h.end());
  };
  switch (kind_) {
    case Kind::kUnsigned:
      head(0, number_);
      break;
    case Kind::kNegative:
      head(1, number_);
      break;
    case Kind::kBytes:
      head(2, bytes_.size());
      out->insert(out->end(), bytes_.begin(), bytes_.end());
      break;
    case Kind::kText:
      head(3, bytes_.size());
      out->insert(out->end(), bytes_.begin(), bytes_.end());
      break;
    case Kind::kArray:
      head(4, items_.size());
      for (const CborValue& item : items_) item.EncodeTo(out);
      break;
    case Kind::kMap:
      head(5, pairs_.size());
      for (const auto& [key, value] : pairs_) {
        key.EncodeTo(out);
        value.EncodeTo(out);
      }
      break;
    case Kind::kBool:
      out->push_back(number_ ? 0xf5 : 0xf4);
      break;
    case Kind::kRaw:
      out->insert(out->end(), bytes_.begin(), bytes_.end());
      break;
  }
}

Bytes CborValue::Encode() const {
  Bytes out;
  EncodeTo(&out);
  return out;
}

CborValue* CborValue::Find(const CborValue& key) {
  Bytes wanted = key.Encode();
  for (auto& [k, v] : pairs_) {
    if (k.Encode() == wanted) return &v;
  }
  return nullptr;
}

void CborValue::Set(CborValue key, CborValue value) {
  if (CborValue* existing = Find(key)) {
    *existing = std::move(value);
    return;
  }
  pairs_.emplace_back(std::move(key), std::move(value));
}

bool CborValue::Remove(const CborValue& key) {
  Bytes wanted = key.Encode();
  for (auto it = pairs_.begin(); it != pairs_.end(); ++it) {
    if (it->first.Encode() == wanted) {
      pairs_.erase(it);
      return true;
    }
  }
  return false;
}

}  // namespace keystorm::test
