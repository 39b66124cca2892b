// sd_notify(3) without libsystemd: sends a state string ("READY=1",
// "STOPPING=1", "STATUS=...") as one datagram to the unix socket named by
// $NOTIFY_SOCKET, which systemd sets for Type=notify services.  A name that
// starts with '@' is in the abstract namespace (the '@' becomes a NUL byte).
//
// Typical use: SystemdNotify(kSystemdReady) once the listeners are bound and
// started; SystemdNotify(kSystemdStopping) when a graceful stop begins.
#ifndef KEYSTORM_SERVER_SYSTEMD_NOTIFY_H_
#define KEYSTORM_SERVER_SYSTEMD_NOTIFY_H_

#include <string_view>

#include "keystorm/status.h"

namespace keystorm::server {

inline constexpr std::string_view kSystemdReady = "READY=1";
inline constexpr std::string_view kSystemdStopping = "STOPPING=1";

// Sends `state` to $NOTIFY_SOCKET.  OK (and nothing sent) when the variable
// is unset or empty: not running under systemd is not an error.
Status SystemdNotify(std::string_view state);

// Sends `state` to the socket `address` (a path, or '@' + abstract name).
// InvalidArgument for an empty or too long address, IOError if the send
// fails.
Status SystemdNotifyTo(std::string_view address, std::string_view state);

}  // namespace keystorm::server

#endif  // KEYSTORM_SERVER_SYSTEMD_NOTIFY_H_
