// The JSON-lines logger: the line's shape, escaping, level filter, whole
// lines from many threads, a failing descriptor counted, not thrown; and
// the buffered mode's flushes (interval, size, error, destructor) and order.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "keystorm/server/json_log.h"
#include "keystorm/test/thread_names.h"

namespace keystorm::server::testing {
namespace {

std::chrono::system_clock::time_point FixedTime() {
  // 2026-11-27T21:45:00.123Z
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(1'795'815'900'123));
}

// Everything written to the pipe so far (the write end closed by the caller).
std::string ReadAll(int fd) {
  std::string all;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(fd, buffer, sizeof(buffer))) > 0) all.append(buffer, static_cast<size_t>(n));
  return all;
}

TEST(JsonLogTest, WritesOneObjectPerLineWithTsLevelEventAndFields) {
  JsonLog log(-1, LogLevel::kInfo, FixedTime);
  std::string line = log.Format(LogLevel::kWarn, "login_failed",
                                {{"user", "alice"}, {"attempt", 3}, {"ok", false},
                                 {"ms", 1.5}, {"bytes", size_t{42}}});
  EXPECT_EQ(line,
            "{\"ts\":\"2026-11-27T21:45:00.123Z\",\"level\":\"warn\",\"event\":\"login_failed\","
            "\"fields\":{\"user\":\"alice\",\"attempt\":3,\"ok\":false,\"ms\":1.5,\"bytes\":42}}\n");
}

// The timestamp is RFC 3339 UTC with milliseconds, on either side of the
// epoch and on a leap day's last millisecond.
TEST(JsonLogTest, TimestampsAreUtcWithMilliseconds) {
  auto at = [](int64_t ms) {
    JsonLog log(-1, LogLevel::kInfo, [ms] {
      return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
    });
    std::string line = log.Format(LogLevel::kInfo, "e", {});
    return line.substr(7, 24);  // after {"ts":"
  };
  EXPECT_EQ(at(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(at(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(at(1'709'251'199'999), "2024-02-29T23:59:59.999Z");
  EXPECT_EQ(at(1'795'815'900'123), "2026-11-27T21:45:00.123Z");
}

TEST(JsonLogTest, ClientControlledTextCannotBreakTheLine) {
  JsonLog log(-1, LogLevel::kInfo, FixedTime);
  std::string line = log.Format(LogLevel::kInfo, "e", {{"ua", "x\"}\n{\"level\":\"error\""}});
  EXPECT_EQ(line.find('\n'), line.size() - 1);  // the only newline ends the line
  EXPECT_NE(line.find(R"(x\"}\n{\"level\":\"error\")"), std::string::npos) << line;
}

TEST(JsonLogTest, LinesBelowTheLevelAreSkipped) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  {
    JsonLog log(fds[1], LogLevel::kWarn, FixedTime);
    log.Info("hidden");
    log.Error("shown", {{"code", "disk_full"}});
  }
  ::close(fds[1]);
  std::string all = ReadAll(fds[0]);
  ::close(fds[0]);
  EXPECT_EQ(all.find("hidden"), std::string::npos);
  EXPECT_NE(all.find("\"event\":\"shown\""), std::string::npos);
}

TEST(JsonLogTest, LinesFromManyThreadsStayWhole) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  JsonLog log(fileno(file), LogLevel::kInfo);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&log, t] {
      std::string payload(300, static_cast<char>('a' + t));
      for (int i = 0; i < 500; ++i) log.Info("tick", {{"thread", t}, {"i", i}, {"p", payload}});
    });
  }
  for (auto& thread : threads) thread.join();
  std::fflush(file);
  std::rewind(file);
  std::string all;
  char buffer[8192];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file)) > 0) all.append(buffer, n);
  std::fclose(file);
  std::istringstream lines(all);
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    ++count;
    ASSERT_EQ(line.front(), '{');
    ASSERT_EQ(line.substr(line.size() - 3), "\"}}") << line;
  }
  EXPECT_EQ(count, 2000);
}

TEST(JsonLogTest, AFailedWriteIsCountedAndDoesNotThrow) {
  JsonLog log(-1);  // not a descriptor
  log.Info("lost");
  log.Info("lost again");
  EXPECT_EQ(log.dropped_lines(), 2u);
}

// Buffered mode: a pipe whose read end does not block, so a test can see
// that nothing was written yet.
class BufferedJsonLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::pipe(fds_), 0);
    ASSERT_EQ(fcntl(fds_[0], F_SETFL, O_NONBLOCK), 0);
    // Room for the lines a test writes from its own thread (Flush, the
    // destructor) without reading in between; best effort (the default
    // 64 KiB is enough for them).
    fcntl(fds_[1], F_SETPIPE_SZ, 1 << 20);
  }
  void TearDown() override {
    ::close(fds_[0]);
    if (fds_[1] >= 0) ::close(fds_[1]);
  }
  // What the pipe holds now (nothing written yet reads as "").  Up to a
  // minute for at least one line when `wait`: the flusher writes on its
  // own thread, which a loaded machine may run late.
  std::string Available(bool wait) {
    std::string all = Available();
    for (int i = 0; wait && i < 60'000 && all.empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      all = Available();
    }
    return all;
  }
  std::string Available() {
    std::string all;
    char buffer[65536];
    ssize_t n;
    while ((n = ::read(fds_[0], buffer, sizeof(buffer))) > 0) all.append(buffer, static_cast<size_t>(n));
    return all;
  }
  static int Lines(const std::string& text) {
    return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  }
  int fds_[2] = {-1, -1};
  static constexpr std::chrono::hours kNever{1};
};

TEST_F(BufferedJsonLogTest, LinesWaitForAFlushAndKeepTheirOrder) {
  JsonLog log(fds_[1], LogLevel::kInfo, FixedTime, kNever);
  log.Info("first");
  log.Warn("second");
  log.Info("third");
  EXPECT_EQ(Available(), "") << "buffered lines were written before a flush";
  log.Flush();
  std::string all = Available();
  EXPECT_EQ(Lines(all), 3);
  size_t first = all.find("\"first\""), second = all.find("\"second\""), third = all.find("\"third\"");
  ASSERT_NE(third, std::string::npos);
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
}

TEST_F(BufferedJsonLogTest, AnErrorIsWrittenAtOnceWithWhatCameBefore) {
  JsonLog log(fds_[1], LogLevel::kInfo, FixedTime, kNever);
  log.Info("before");
  log.Error("failure");
  std::string all = Available(/*wait=*/true);  // not an hour: at once
  EXPECT_EQ(Lines(all), 2);
  EXPECT_LT(all.find("\"before\""), all.find("\"failure\""));
}

TEST(BufferedJsonLogDrops, AFailedWriteCountsEveryLineItHeld) {
  JsonLog log(-1, LogLevel::kInfo, FixedTime, std::chrono::hours(1));  // not a descriptor
  log.Info("one");
  log.Info("two");
  log.Warn("three");
  EXPECT_EQ(log.dropped_lines(), 0u) << "nothing was written yet";
  log.Flush();
  EXPECT_EQ(log.dropped_lines(), 3u);
}

TEST_F(BufferedJsonLogTest, AFullBufferIsWrittenWithoutWaitingForTheInterval) {
  JsonLog log(fds_[1], LogLevel::kInfo, FixedTime, kNever);
  std::string payload(1000, 'x');
  for (int i = 0; i < 80; ++i) log.Info("big", {{"p", payload}});  // about 80 KiB
  EXPECT_GT(Lines(Available(/*wait=*/true)), 0) << "64 KiB waiting must be written without a flush";
}

TEST(BufferedJsonLogStall, AStalledSinkNeitherBlocksTheLoggerNorGrowsWithoutBound) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  fcntl(fds[1], F_SETPIPE_SZ, 4096);  // nobody reads: the first write fills it
  std::thread drainer;
  {
    JsonLog log(fds[1], LogLevel::kInfo, FixedTime, std::chrono::milliseconds(1));
    std::string payload(1000, 'x');
    // 50,000 lines of about 1 KiB, three times the 16 MiB the logger holds,
    // and error lines among them.  Without the bound this would grow; with
    // a logging thread that writes for itself (for a full buffer or an
    // error) it would hang here.
    for (int i = 0; i < 50000; ++i) {
      if (i % 10000 == 0) log.Error("stuck", {{"i", i}});
      log.Info("stuck", {{"p", payload}});
    }
    EXPECT_GT(log.dropped_lines(), 0u);
    // Let the flusher finish, so that the destructor can.
    drainer = std::thread([&] {
      char buffer[65536];
      while (::read(fds[0], buffer, sizeof(buffer)) > 0) {
      }
    });
  }
  ::close(fds[1]);  // the drainer sees end of file
  drainer.join();
  ::close(fds[0]);
}

TEST_F(BufferedJsonLogTest, TheFlusherWritesWithinItsInterval) {
  JsonLog log(fds_[1], LogLevel::kInfo, FixedTime, std::chrono::milliseconds(5));
  log.Info("soon");
  EXPECT_NE(Available(/*wait=*/true).find("\"soon\""), std::string::npos);
}

// The flusher is "ks-log" in top -H (keystorm/thread_name.h).
TEST_F(BufferedJsonLogTest, TheFlusherThreadIsNamed) {
  JsonLog log(fds_[1], LogLevel::kInfo, FixedTime, kNever);
  EXPECT_TRUE(test::ThreadNamedAppears("ks-log"));
}

TEST_F(BufferedJsonLogTest, TheDestructorWritesTheRest) {
  {
    JsonLog log(fds_[1], LogLevel::kInfo, FixedTime, kNever);
    log.Info("last words");
    EXPECT_EQ(Available(), "");
  }
  EXPECT_NE(Available().find("\"last words\""), std::string::npos);
}

TEST_F(BufferedJsonLogTest, LinesFromManyThreadsStayWholeAndInOrder) {
  std::vector<int> last(4, -1);
  std::string all;
  {
    JsonLog log(fds_[1], LogLevel::kInfo, nullptr, std::chrono::milliseconds(1));
    std::vector<std::thread> threads;
    std::atomic<bool> done{false};
    std::thread reader([&] {  // drains the pipe so that writers never block
      while (!done.load()) {
        all += Available();
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
    });
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&log, t] {
        for (int i = 0; i < 500; ++i) log.Info("tick", {{"thread", t}, {"i", i}});
      });
    }
    for (auto& thread : threads) thread.join();
    log.Flush();
    done.store(true);
    reader.join();
  }
  all += Available();
  std::istringstream lines(all);
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    ++count;
    ASSERT_EQ(line.front(), '{') << line;
    ASSERT_EQ(line.substr(line.size() - 2), "}}") << line;
    int t = line[line.find("\"thread\":") + 9] - '0';
    int i = std::stoi(line.substr(line.find("\"i\":") + 4));
    ASSERT_GT(i, last[t]) << "thread " << t << "'s lines out of order";
    last[t] = i;
  }
  EXPECT_EQ(count, 2000);
}

}  // namespace
}  // namespace keystorm::server::testing
