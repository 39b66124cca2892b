// Status and Result<T>: our own system failed (I/O, corruption, overload,
// configuration).  Never used for the verdict on untrusted input, which is a
// VerifyError (verify_error.h): the two channels are never mixed.
//
// A successful Status holds no allocation.  Result<T> follows the member
// names of std::expected (has_value, value, error, operator*, operator->) so
// that it can become std::expected<T, Status> once the toolchain has it.
#ifndef KEYSTORM_STATUS_H_
#define KEYSTORM_STATUS_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "keystorm/export.h"

namespace keystorm {

class [[nodiscard]] KEYSTORM_EXPORT Status {
 public:
  enum class Code : uint8_t {
    kOk = 0,
    kInvalidArgument,  // a caller or configuration error
    kNotFound,
    kCorruption,       // stored data fails its own checks
    kIOError,
    kOverloaded,       // refused at once because a bound is reached
    kUnavailable,      // shutting down or not ready
    kInternal,         // a bug or a library failure that should not happen
  };

  Status() = default;  // OK
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string_view msg) { return Status(Code::kInvalidArgument, msg); }
  static Status NotFound(std::string_view msg) { return Status(Code::kNotFound, msg); }
  static Status Corruption(std::string_view msg) { return Status(Code::kCorruption, msg); }
  static Status IOError(std::string_view msg) { return Status(Code::kIOError, msg); }
  static Status Overloaded(std::string_view msg) { return Status(Code::kOverloaded, msg); }
  static Status Unavailable(std::string_view msg) { return Status(Code::kUnavailable, msg); }
  static Status Internal(std::string_view msg) { return Status(Code::kInternal, msg); }

  bool ok() const { return rep_ == nullptr; }
  Code code() const { return rep_ ? rep_->code : Code::kOk; }
  std::string_view message() const { return rep_ ? std::string_view(rep_->message) : ""; }
  // "InvalidArgument: message", or "OK".
  std::string ToString() const;

  Status(const Status& other)
      : rep_(other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr) {}
  Status& operator=(const Status& other) {
    if (this != &other) rep_ = other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr;
    return *this;
  }
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

 private:
  struct Rep {
    Code code;
    std::string message;
  };
  Status(Code code, std::string_view msg)
      : rep_(std::make_unique<Rep>(Rep{code, std::string(msg)})) {}
  std::unique_ptr<Rep> rep_;
};

// Result<T> holds a T or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit like expected
  Result(Status status) : v_(std::move(status)) {}  // NOLINT
  // REQUIRES: !status.ok() for the Status constructor.

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const Status& error() const { return std::get<1>(v_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace keystorm

#endif  // KEYSTORM_STATUS_H_
