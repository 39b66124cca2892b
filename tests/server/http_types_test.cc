// Router and Responder on their own, without sockets.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "keystorm/server/http.h"

namespace keystorm::server::testing {
namespace {

void Nothing(HttpRequest&&, Responder) {}

TEST(RouterTest, FindsByExactMethodAndPath) {
  Router router;
  router.Add("GET", "/a", Nothing);
  router.Add("POST", "/a", Nothing);
  bool known = false;
  EXPECT_NE(router.Find("GET", "/a", &known), nullptr);
  EXPECT_TRUE(known);
  EXPECT_EQ(router.Find("PUT", "/a", &known), nullptr);
  EXPECT_TRUE(known);
  EXPECT_EQ(router.Find("GET", "/a/", &known), nullptr);
  EXPECT_FALSE(known);
  EXPECT_EQ(router.Find("get", "/a", &known), nullptr);  // methods are case-sensitive
  EXPECT_EQ(router.AllowedMethods("/a"), "GET, HEAD, POST");  // HEAD is served by GET's route
  EXPECT_EQ(router.AllowedMethods("/b"), "");
}

TEST(ResponderTest, TheFirstCallWinsAcrossCopies) {
  std::vector<int> answers;
  Responder respond([&answers](HttpResponse response) { answers.push_back(response.status); });
  Responder copy = respond;
  HttpResponse first;
  first.status = 201;
  copy(first);
  HttpResponse second;
  second.status = 500;
  respond(second);
  EXPECT_EQ(answers, std::vector<int>{201});
}

TEST(ResponderTest, DroppingEveryCopyUnansweredAnswers500Once) {
  std::vector<int> answers;
  {
    Responder respond([&answers](HttpResponse response) { answers.push_back(response.status); });
    Responder copy = respond;
  }
  EXPECT_EQ(answers, std::vector<int>{500});
}

TEST(ResponderTest, ADefaultResponderDoesNothing) {
  Responder nobody;
  nobody(HttpResponse{});  // must not crash
  SUCCEED();
}

TEST(HttpRequestTest, HeaderReturnsTheFirstValueOrEmpty) {
  HttpRequest request;
  request.headers = {{"accept", "a"}, {"accept", "b"}};
  EXPECT_EQ(request.Header("accept"), "a");
  EXPECT_EQ(request.Header("host"), "");
}

}  // namespace
}  // namespace keystorm::server::testing
