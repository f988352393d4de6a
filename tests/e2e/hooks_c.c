/*===- hooks_c.c - Hooks through the C API ---------------------------------===
 *
 * Linked with tests/e2e/models/shared_layer.nnm (one Linear, `inner`,
 * called twice; then `head`), built with the default prefix, and libnnrt:
 * a forward hook sees both calls of `inner` with their call index, a
 * replacing hook's zeros flow on (the output is then head's bias), a hook's
 * status is what nnrt_forward returns, and bad registrations fail with a
 * message. usage: hooks_c   (exit 0 when every check passes)
 *
 *===----------------------------------------------------------------------===*/
#include "nnrt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int failures = 0;
#define EXPECT(cond)                                                          \
  do {                                                                        \
    if (!(cond)) {                                                            \
      fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__, __LINE__, #cond);        \
      ++failures;                                                             \
    }                                                                         \
  } while (0)

struct seen {
  int calls;
  int64_t call_index[4];
  float first_output[4];
};

/* Records each call of `inner`; zeroes the output of its second call when
 * registered as replacing. */
static int record(void *user, const nnrt_hook_call *call) {
  struct seen *s = (struct seen *)user;
  if (s->calls < 4) {
    s->call_index[s->calls] = call->call;
    s->first_output[s->calls] = call->outputs[0].data[0];
  }
  ++s->calls;
  if (strcmp(call->module, "inner") != 0 || call->kind != NNRT_HOOK_FORWARD ||
      call->input_count != 1 || call->output_count != 1 || call->outputs[0].rank != 2 ||
      call->outputs[0].shape[0] != 2 || call->outputs[0].shape[1] != 4)
    return 100;
  if (call->may_replace && call->call == 2)
    memset(call->outputs[0].data, 0, sizeof(float) * 8);
  return 0;
}

/* Calls its own model from inside a hook: refused, and the outer call goes on. */
static int reenter(void *user, const nnrt_hook_call *call) {
  (void)call;
  nnrt_model *m = (nnrt_model *)user;
  const float x[4] = {1, 2, 3, 4};
  const float *in[1] = {x};
  const int64_t shape[2] = {1, 4};
  const int64_t *shapes[1] = {shape};
  if (nnrt_forward(m, in, shapes) != NNRT_INVALID_STATE ||
      !strstr(nnrt_last_error(), "the model is running"))
    return 50;
  if (nnrt_init_params(m, 1) != NNRT_INVALID_STATE ||
      nnrt_load_params(m, "/nonexistent") != NNRT_INVALID_STATE ||
      nnrt_save_checkpoint(m, "/nonexistent") != NNRT_INVALID_STATE)
    return 52;
  return nnrt_remove_hook(m, 1) == NNRT_INVALID_STATE && strstr(nnrt_last_error(), "while hooks run")
             ? 0
             : 51;
}

static int stop(void *user, const nnrt_hook_call *call) {
  (void)user;
  (void)call;
  return 7;
}

int main(void) {
  nnrt_model *m = nnrt_create();
  if (!m || nnrt_init_params(m, 3)) {
    fprintf(stderr, "%s\n", nnrt_last_error());
    return 1;
  }
  const float x[8] = {0.5f, -1.0f, 2.0f, 0.25f, -0.75f, 1.5f, -2.0f, 1.0f};
  const float *in[1] = {x};
  const int64_t shape[2] = {2, 4};
  const int64_t *shapes[1] = {shape};

  struct seen s = {0};
  int64_t id = nnrt_register_forward_hook(m, "inner", record, &s, 0);
  EXPECT(id >= 1);
  EXPECT(nnrt_forward(m, in, shapes) == 0);
  EXPECT(s.calls == 2 && s.call_index[0] == 1 && s.call_index[1] == 2);
  EXPECT(nnrt_remove_hook(m, id) == 0);
  EXPECT(nnrt_remove_hook(m, id) != 0);
  EXPECT(strstr(nnrt_last_error(), "no hook with id") != NULL);

  /* Replacing: head(relu(0)) = head's bias on each row. */
  memset(&s, 0, sizeof s);
  id = nnrt_register_forward_hook(m, "inner", record, &s, NNRT_HOOK_REPLACES);
  EXPECT(nnrt_forward(m, in, shapes) == 0);
  int64_t n = 0;
  const float *bias = nnrt_param_data(m, "head.bias", &n);
  const float *y = nnrt_output(m, 0, NULL, NULL);
  EXPECT(bias && y && n == 3);
  for (int r = 0; r < 2 && y && bias; ++r)
    for (int c = 0; c < 3; ++c)
      EXPECT(fabsf(y[r * 3 + c] - bias[c]) <= 1e-6f);
  nnrt_remove_hook(m, id);

  /* Calling the running model from a hook is refused; the outer call ends well. */
  int64_t inner_id = nnrt_register_forward_hook(m, "head", reenter, m, 0);
  EXPECT(nnrt_forward(m, in, shapes) == 0);
  EXPECT(nnrt_output(m, 0, NULL, NULL) != NULL);
  nnrt_remove_hook(m, inner_id);

  /* A status stops the call, which returns NNRT_HOOK_STOPPED with the hook's
   * status and a message. */
  EXPECT(nnrt_register_forward_hook(m, "head", stop, NULL, 0) >= 1);
  EXPECT(nnrt_forward(m, in, shapes) == NNRT_HOOK_STOPPED);
  EXPECT(nnrt_last_status() == NNRT_HOOK_STOPPED);
  EXPECT(nnrt_last_hook_status() == 7);
  EXPECT(strstr(nnrt_last_error(), "forward hook on `head` (call 1) stopped the call with "
                                   "status 7") != NULL);
  EXPECT(nnrt_output(m, 0, NULL, NULL) == NULL);

  /* Bad registrations. */
  EXPECT(nnrt_register_forward_hook(m, "net.0", record, &s, 0) == -1);
  EXPECT(nnrt_last_status() == NNRT_NOT_FOUND);
  EXPECT(strstr(nnrt_last_error(), "matches no module of the model (its modules: inner, head)") !=
         NULL);
  EXPECT(nnrt_register_forward_hook(m, "inner", NULL, &s, 0) == -1);
  EXPECT(nnrt_register_full_backward_hook(m, "inner", record, &s, 4) == -1);
  EXPECT(strstr(nnrt_last_error(), "unknown hook flags 4") != NULL);
  EXPECT(nnrt_last_status() == NNRT_INVALID_ARGUMENT);
  EXPECT(nnrt_remove_hook(m, 12345) == NNRT_NOT_FOUND);
  EXPECT(nnrt_register_forward_hook(NULL, "inner", record, &s, 0) == -1);

  nnrt_destroy(m);
  if (failures) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("hooks_c: all checks passed\n");
  return 0;
}
