//===- plot.h - `train --plot`: training curves as a self-contained SVG ----===//
//
// Loss per epoch, and accuracy per epoch for class targets, of the training
// data and of the validation and test splits where there are any: one panel
// each, epochs on the x axis, with axes, ticks and a legend. Plain SVG: no
// script, no font or file from elsewhere; the same reports give the same
// bytes.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_CLI_PLOT_H
#define NNRT_CLI_PLOT_H

#include "train_report.h"

#include <string>
#include <vector>

namespace nnrt::cli {

/// The SVG of `reports` (in epoch order), titled `title`.
std::string trainingCurvesSvg(const std::vector<EpochReport> &reports, const std::string &title);

} // namespace nnrt::cli

#endif // NNRT_CLI_PLOT_H
