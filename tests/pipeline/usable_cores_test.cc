// "0 = all cores" counts the cores the process may use: its affinity mask
// and its cgroup v2 CPU quota, not the machine's (keystorm/usable_cores.h).
#include "keystorm/usable_cores.h"

#include <gtest/gtest.h>
#include <sched.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "pipeline_fixture.h"

namespace keystorm::test {
namespace {

TEST(CoresFromCpuMax, ReadsTheQuotaRoundedUpToWholeCores) {
  EXPECT_EQ(CoresFromCpuMax("200000 100000\n"), 2);
  EXPECT_EQ(CoresFromCpuMax("150000 100000\n"), 2);
  EXPECT_EQ(CoresFromCpuMax("50000 100000"), 1);
  EXPECT_EQ(CoresFromCpuMax("1600000 100000\n"), 16);
}

TEST(CoresFromCpuMax, NoLimitAndNonsenseAreZero) {
  EXPECT_EQ(CoresFromCpuMax("max 100000\n"), 0);
  EXPECT_EQ(CoresFromCpuMax(""), 0);
  EXPECT_EQ(CoresFromCpuMax("200000"), 0);
  EXPECT_EQ(CoresFromCpuMax("200000 0"), 0);
  EXPECT_EQ(CoresFromCpuMax("-5 100000"), 0);
  EXPECT_EQ(CoresFromCpuMax("2e5 100000"), 0);
}

class CgroupTree : public testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("keystorm-cgroup-" + std::to_string(::getpid()) + "-" +
             testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_ / "a" / "b");
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  void WriteCpuMax(const std::string& dir, const std::string& text) {
    std::ofstream(root_ / dir / "cpu.max") << text;
  }
  std::filesystem::path root_;
};

TEST_F(CgroupTree, TheTightestLimitOnThePathToTheRootBinds) {
  WriteCpuMax("a", "200000 100000\n");
  WriteCpuMax("a/b", "max 100000\n");
  EXPECT_EQ(CgroupV2CoreLimit("12:cpu,cpuacct:/elsewhere\n0::/a/b\n", root_.string()), 2);
  WriteCpuMax("a/b", "100000 100000\n");
  EXPECT_EQ(CgroupV2CoreLimit("0::/a/b\n", root_.string()), 1);
  WriteCpuMax("a/b", "300000 100000\n");
  EXPECT_EQ(CgroupV2CoreLimit("0::/a/b\n", root_.string()), 2) << "a parent's limit binds its child";
}

TEST_F(CgroupTree, ANamespacedRootReadsItsOwnCpuMax) {
  // Inside a container with its own cgroup namespace the path is "/" and
  // the container's limit is the mount's top cpu.max.
  WriteCpuMax(".", "400000 100000\n");
  EXPECT_EQ(CgroupV2CoreLimit("0::/\n", root_.string()), 4);
}

TEST_F(CgroupTree, NoV2LineOrNoFilesIsNoLimit) {
  EXPECT_EQ(CgroupV2CoreLimit("0::/a/b\n", root_.string()), 0);
  WriteCpuMax("a", "200000 100000\n");
  EXPECT_EQ(CgroupV2CoreLimit("4:cpu:/a\n", root_.string()), 0) << "cgroup v1 lines are not read";
  EXPECT_EQ(CgroupV2CoreLimit("", root_.string()), 0);
}

TEST_F(CgroupTree, ACgroupOutsideTheNamespaceIsNotReadFromTheMount) {
  // "/../.." names a cgroup above the namespace's root: the mount's files
  // are not its ancestors.
  WriteCpuMax(".", "100000 100000\n");
  EXPECT_EQ(CgroupV2CoreLimit("0::/../../system.slice/x.service\n", root_.string()), 0);
}

// Runs `body` on a thread whose affinity mask is the first CPU it may use.
void OnOneCore(const std::function<void()>& body) {
  std::thread t([&] {
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    ASSERT_EQ(sched_getaffinity(0, sizeof(allowed), &allowed), 0);
    int first = 0;
    while (!CPU_ISSET(first, &allowed)) ++first;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    ASSERT_EQ(sched_setaffinity(0, sizeof(one), &one), 0);
    body();
  });
  t.join();
}

TEST(UsableCores, FollowsTheAffinityMask) {
  EXPECT_GE(UsableCores(), 1);
  EXPECT_LE(UsableCores(), static_cast<int>(std::thread::hardware_concurrency()));
  int pinned = 0;
  OnOneCore([&] { pinned = UsableCores(); });
  EXPECT_EQ(pinned, 1);
}

TEST(UsableCores, APipelineStartedOnOneCoreDefaultsToOneWorker) {
  Verifier verifier{TestRelyingParty()};
  storage::MemoryCredentialStore store;
  int workers = 0;
  OnOneCore([&] {
    Pipeline pipeline(&verifier, &store, PipelineOptions{.workers = 0});
    workers = pipeline.workers();
  });
  EXPECT_EQ(workers, 1);
}

}  // namespace
}  // namespace keystorm::test
