/* idx.h: reads Fashion-MNIST's gzip-compressed IDX files (images as floats
 * in [0, 1], labels as int64), for the examples. */
#ifndef IDX_H
#define IDX_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Reads at most `limit` images of `path` as [n, 1, rows, cols] floats in
 * [0, 1]; returns the count (0 on error, with a message on stderr). The
 * caller frees *images. */
int64_t idx_read_images(const char *path, int64_t limit, float **images, int64_t *rows,
                        int64_t *cols);

/* Reads at most `limit` labels; returns the count (0 on error). The caller
 * frees *labels. */
int64_t idx_read_labels(const char *path, int64_t limit, int64_t **labels);

#ifdef __cplusplus
}
#endif

#endif
