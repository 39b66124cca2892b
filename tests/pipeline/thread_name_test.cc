// Thread names (keystorm/thread_name.h): the pipeline's own threads carry
// theirs, and a long name is cut, not refused.
#include "keystorm/thread_name.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <thread>

#include "keystorm/test/thread_names.h"
#include "pipeline_fixture.h"

namespace keystorm::test {
namespace {

TEST(ThreadNameTest, ALongNameIsCutTo15Bytes) {
  std::string seen;
  std::thread named([&] {
    NameThisThread("ks-a-name-longer-than-fifteen");
    char buffer[32] = {};
    pthread_getname_np(pthread_self(), buffer, sizeof(buffer));
    seen = buffer;
  });
  named.join();
  EXPECT_EQ(seen, "ks-a-name-longe");
}

TEST(ThreadNameTest, ThePipelinesThreadsAreNamed) {
  Verifier verifier(TestRelyingParty());
  storage::MemoryCredentialStore store;
  auto before = ThreadNames();
  {
    Pipeline pipeline(&verifier, &store, PipelineOptions{.workers = 1});
    EXPECT_TRUE(ThreadNamedAppears("ks-dispatch"));
    EXPECT_TRUE(ThreadNamedAppears("ks-commit"));
  }
  EXPECT_EQ(ThreadNames().count("ks-dispatch"), before.count("ks-dispatch")) << "joined and gone";
}

}  // namespace
}  // namespace keystorm::test
