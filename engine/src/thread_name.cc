#include "keystorm/thread_name.h"

#include <pthread.h>

#include <string>

namespace keystorm {

void NameThisThread(std::string_view name) {
#if defined(__linux__)
  // pthread_setname_np refuses (ERANGE) a name of 16 bytes or more rather
  // than cutting it.
  std::string cut(name.substr(0, 15));
  pthread_setname_np(pthread_self(), cut.c_str());
#else
  (void)name;
#endif
}

}  // namespace keystorm
