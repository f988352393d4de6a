//===- large_stack.cpp - Running the compiler on a stack of known size ----===//
//
// POSIX threads rather than std::thread, which cannot choose a stack size.
//
//===----------------------------------------------------------------------===//
#include "base/large_stack.h"

#include <pthread.h>

namespace nnc {
namespace {

struct Call {
  const std::function<int()> *body;
  int result = 0;
};

void *trampoline(void *arg) {
  Call *call = static_cast<Call *>(arg);
  call->result = (*call->body)();
  return nullptr;
}

} // namespace

int runWithStack(size_t bytes, const std::function<int()> &body) {
  pthread_attr_t attr;
  if (pthread_attr_init(&attr) != 0)
    return body();
  Call call{&body};
  pthread_t thread;
  bool started = pthread_attr_setstacksize(&attr, bytes) == 0 &&
                 pthread_create(&thread, &attr, trampoline, &call) == 0;
  pthread_attr_destroy(&attr);
  if (!started)
    return body();
  pthread_join(thread, nullptr);
  return call.result;
}

} // namespace nnc
