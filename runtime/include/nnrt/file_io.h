//===- file_io.h - Whole-file reads and crash-safe writes -----------------===//
//
// One include for both halves: file_read.h (the readers' input) and
// file_write.h (atomic outputs).
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_FILE_IO_H
#define NNRT_FILE_IO_H

#include "nnrt/file_read.h"
#include "nnrt/file_write.h"

#endif // NNRT_FILE_IO_H
