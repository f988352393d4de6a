# lit configuration of nnc's golden tests. The build's lit.site.cfg.py sets the paths and loads this.
#
# Substitutions in RUN lines:
#   %nnc       the built compiler
#   %examples  examples/ of the source tree
#   %stdlib    stdlib/ of the source tree
#   %python    the Python that runs lit
#   %srcroot   the source tree
# FileCheck and `not` are LLVM 19's, found on PATH.
import os

import lit.formats

config.name = "nnc-golden"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".nnm", ".nnir", ".test"]
# Files that other tests import or read, and this directory's own machinery.
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py.in"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = config.nnc_obj_root

nnc = os.path.join(config.nnc_bin_dir, "nnc")
config.substitutions.append(("%nnc", nnc))
config.substitutions.append(("%examples", os.path.join(config.nnc_src_root, "examples")))
config.substitutions.append(("%stdlib", os.path.join(config.nnc_src_root, "stdlib")))
config.substitutions.append(("%srcroot", config.nnc_src_root))
config.substitutions.append(("%python", config.python))

tool_dirs = [os.path.dirname(config.filecheck), os.path.dirname(config.not_tool)]
config.environment["PATH"] = os.pathsep.join(tool_dirs + [config.environment.get("PATH", "")])
# Diagnostics must not depend on the user's terminal or locale.
config.environment["LC_ALL"] = "C"
