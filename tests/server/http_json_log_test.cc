// The JSON-lines logger: the line's shape, escaping, level filter, whole
// lines from many threads, and a failing descriptor counted, not thrown.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "keystorm/server/json_log.h"

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

}  // namespace
}  // namespace keystorm::server::testing
