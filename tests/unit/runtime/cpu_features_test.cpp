//===- cpu_features_test.cpp - The model's CPU, checked before it runs ----===//
//
// CPUID detection agrees with the kernel's view (/proc/cpuinfo), a missing
// extension is named, and a Model whose manifest requires an extension this
// CPU lacks is refused when it is constructed, before any compiled code
// runs.
//
//===----------------------------------------------------------------------===//
#include "nnrt/cpu_features.h"
#include "nnrt/error.h"
#include "nnrt/model.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <sstream>

using namespace nnrt;

namespace {

// The flags line of /proc/cpuinfo's first processor, or empty.
std::set<std::string> procCpuFlags() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("flags", 0) == 0) {
      std::istringstream words(line.substr(line.find(':') + 1));
      std::set<std::string> flags;
      for (std::string w; words >> w;)
        flags.insert(w);
      return flags;
    }
  return {};
}

std::string requireMessage(const std::string &cpu, const std::vector<std::string> &required,
                           const std::set<std::string> &host) {
  try {
    checkCpuFeatures(cpu, required, host);
  } catch (const Error &e) {
    return e.what();
  }
  return "";
}

} // namespace

TEST_CASE("cpu features: a missing extension is named, with the way out") {
  CHECK(requireMessage("x86-64-v3", {"avx2", "fma"}, {"avx2", "fma", "sse2"}) == "");
  CHECK(requireMessage("native", {}, {}) == "");
  std::string m = requireMessage("skylake-avx512", {"avx2", "avx512f", "avx512bw"}, {"avx2"});
  CHECK(m.find("compiled for the CPU `skylake-avx512`") != std::string::npos);
  CHECK(m.find("lacks avx512f, avx512bw;") != std::string::npos);
  CHECK(m.find("--target-cpu x86-64-v3") != std::string::npos);
  // A name this runtime cannot detect counts as missing: never a guess.
  CHECK(requireMessage("future", {"avx10.9"}, {"avx2"}).find("lacks avx10.9") !=
        std::string::npos);
}

TEST_CASE("cpu features: CPUID agrees with the kernel's flags") {
  std::set<std::string> flags = procCpuFlags();
  if (flags.empty()) {
    MESSAGE("no /proc/cpuinfo flags here; nothing to compare");
    return;
  }
  // LLVM's names where the kernel's differ.
  const std::map<std::string, std::string> kernelName = {
      {"sse3", "pni"},          {"sse4.1", "sse4_1"},
      {"sse4.2", "sse4_2"},     {"bmi", "bmi1"},
      {"lzcnt", "abm"},         {"avx512vbmi2", "avx512_vbmi2"},
      {"avx512vnni", "avx512_vnni"}, {"avx512bitalg", "avx512_bitalg"},
      {"avx512vpopcntdq", "avx512_vpopcntdq"}, {"avx512fp16", "avx512_fp16"},
      {"avx512bf16", "avx512_bf16"}, {"avxvnni", "avx_vnni"}};
  const std::set<std::string> &host = hostCpuFeatures();
  CHECK(host.count("sse2") == 1); // every x86-64 CPU
  for (const std::string &feature : knownCpuFeatures()) {
    auto it = kernelName.find(feature);
    std::string flag = it == kernelName.end() ? feature : it->second;
    CAPTURE(feature);
    CHECK(host.count(feature) == flags.count(flag));
  }
}

TEST_CASE("cpu features: a Model built for extensions this CPU lacks is refused") {
  ModelCode code = linkedModelCode();
  nlohmann::json manifest = nlohmann::json::parse(code.manifest);
  manifest["target"] = {{"cpu", "imaginary"}, {"features", {"sse2", "no-such-extension"}}};
  std::string text = manifest.dump();
  code.manifest = text.c_str();
  try {
    Model model(code);
    FAIL("the model was accepted");
  } catch (const Error &e) {
    CHECK(std::string(e.what()).find("compiled for the CPU `imaginary`, and this CPU lacks "
                                     "no-such-extension") != std::string::npos);
  }
  // What this CPU has is accepted.
  manifest["target"]["features"] = {"sse2"};
  text = manifest.dump();
  code.manifest = text.c_str();
  Model model(code);
  REQUIRE(model.manifest().target);
  CHECK(model.manifest().target->cpu == "imaginary");
  // A malformed target is a manifest error.
  manifest["target"]["features"] = "sse2";
  text = manifest.dump();
  CHECK_THROWS_AS(parseManifest(text), Error);
}
