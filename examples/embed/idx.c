/* idx.c: Fashion-MNIST's IDX files through zlib's gzread. */
#include "idx.h"

#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

static int read_u32(gzFile f, uint32_t *value) {
  unsigned char b[4];
  if (gzread(f, b, 4) != 4)
    return 0;
  *value = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
  return 1;
}

/* Opens `path`, checks its magic number and reads its dimensions. */
static gzFile open_idx(const char *path, uint32_t magic, uint32_t *dims, int rank) {
  gzFile f = gzopen(path, "rb");
  uint32_t m = 0;
  if (!f) {
    fprintf(stderr, "%s: cannot open\n", path);
    return NULL;
  }
  if (!read_u32(f, &m) || m != magic) {
    fprintf(stderr, "%s: not an IDX file of the expected kind\n", path);
    gzclose(f);
    return NULL;
  }
  for (int i = 0; i < rank; ++i)
    if (!read_u32(f, &dims[i])) {
      fprintf(stderr, "%s: truncated header\n", path);
      gzclose(f);
      return NULL;
    }
  return f;
}

int64_t idx_read_images(const char *path, int64_t limit, float **images, int64_t *rows,
                        int64_t *cols) {
  uint32_t dims[3];
  gzFile f = open_idx(path, 0x803, dims, 3);
  if (!f)
    return 0;
  int64_t n = dims[0] < limit ? dims[0] : limit, pixels = (int64_t)dims[1] * dims[2];
  unsigned char *raw = malloc((size_t)(n * pixels));
  *images = malloc((size_t)(n * pixels) * sizeof(float));
  if (!raw || !*images || gzread(f, raw, (unsigned)(n * pixels)) != (int)(n * pixels)) {
    fprintf(stderr, "%s: cannot read %lld images\n", path, (long long)n);
    free(raw);
    free(*images);
    gzclose(f);
    return 0;
  }
  for (int64_t i = 0; i < n * pixels; ++i)
    (*images)[i] = raw[i] / 255.0f;
  free(raw);
  gzclose(f);
  *rows = dims[1];
  *cols = dims[2];
  return n;
}

int64_t idx_read_labels(const char *path, int64_t limit, int64_t **labels) {
  uint32_t dims[1];
  gzFile f = open_idx(path, 0x801, dims, 1);
  if (!f)
    return 0;
  int64_t n = dims[0] < limit ? dims[0] : limit;
  unsigned char *raw = malloc((size_t)n);
  *labels = malloc((size_t)n * sizeof(int64_t));
  if (!raw || !*labels || gzread(f, raw, (unsigned)n) != (int)n) {
    fprintf(stderr, "%s: cannot read %lld labels\n", path, (long long)n);
    free(raw);
    free(*labels);
    gzclose(f);
    return 0;
  }
  for (int64_t i = 0; i < n; ++i)
    (*labels)[i] = raw[i];
  free(raw);
  gzclose(f);
  return n;
}
