// Names for Keystorm's own threads, as top -H, ps -L, perf, gdb and
// /proc/PID/task/TID/comm show them: "ks-io-0" rather than a fourteenth
// "keystorm".  An operator can then see which stage a busy or stuck server
// spends its time in, and bench/replay/http_bench.sh splits the server's
// CPU per login by them.
//
//   ks-io-N      the HTTP server's I/O threads (server/src/http)
//   ks-ledger    the challenge ledger's writer (storage::ChallengeBatcher)
//   ks-dispatch  the pipeline's dispatcher: forms batches, verifies too
//   ks-verify    TBB worker threads, once they have verified for a pipeline
//   ks-commit    the pipeline's committer: counters, sync, callbacks
//   ks-sweep     the RocksDB store's expired-challenge sweep
//   ks-log       the buffered service log's flusher
#ifndef KEYSTORM_THREAD_NAME_H_
#define KEYSTORM_THREAD_NAME_H_

#include <string_view>

#include "keystorm/export.h"

namespace keystorm {

// Names the calling thread.  Linux keeps 15 bytes of a name: longer names
// are cut.  Does nothing where the platform has no thread names.
KEYSTORM_EXPORT void NameThisThread(std::string_view name);

}  // namespace keystorm

#endif  // KEYSTORM_THREAD_NAME_H_
