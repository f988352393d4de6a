//===- emit_llvm.cpp - The model's module: forward, workspace, manifest ---===//
//
// Emits the symbols of runtime/include/nnrt_model.h over the kernel
// functions, then optimises and writes object code for the host.
//   nnc_model_forward: binds every buffer to its pointer (inputs, outputs,
//     the arena, or a 64-byte aligned slice of the workspace) and calls the
//     kernels in order;
//   nnc_model_forward_workspace: the same layout's total size;
//   nnc_model_evaluate and nnc_model_train_step (with their workspace
//     sizes), the same way over their own programs, for models that train;
//   nnc_model_manifest: the JSON manifest.
//
//===----------------------------------------------------------------------===//
#include "codegen/cpu/emit_llvm.h"
#include "codegen/cpu/emit_kernels.h"
#include "codegen/cpu/emit_update.h"

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/TargetParser/Host.h>
#include <llvm/TargetParser/SubtargetFeature.h>

namespace nnc::codegen {
namespace {

using llvm::Value;

/// One entry point over one kernel program, with its workspace-size
/// function. The forward and evaluate entries take (dims, arena, inputs,
/// outputs, workspace); the training step takes (dims, arena, state, inputs,
/// outputs, update, workspace), writes its gradient outputs into the state's
/// gradient arena and ends with the optimizer update.
class EntryEmitter {
public:
  EntryEmitter(llvm::Module &m, const KernelProgram &p, std::string entry,
               std::string workspace, const TrainingCode *training = nullptr)
      : m_(m), p_(p), entryName_(std::move(entry)),
        workspaceName_(std::move(workspace)), training_(training),
        b_(m.getContext()) {}

  void run() {
    std::vector<llvm::Function *> kernels;
    for (size_t i = 0; i < p_.kernels.size(); ++i)
      kernels.push_back(emitKernel(m_, p_, p_.kernels[i],
                                   entryName_ + "_kernel" + std::to_string(i)));
    emitWorkspaceSize();
    emitEntry(kernels);
  }

private:
  llvm::Type *ptrTy() { return llvm::PointerType::getUnqual(m_.getContext()); }
  bool f64() const { return p_.element == ir::DType::F64; }
  llvm::Type *elemTy() { return f64() ? b_.getDoubleTy() : b_.getFloatTy(); }
  int64_t elementBytes() const { return f64() ? 8 : 4; }

  void loadSymbols(Value *dims) {
    symbols_.clear();
    for (size_t s = 0; s < p_.symbols.size(); ++s)
      symbols_.push_back(b_.CreateLoad(
          b_.getInt64Ty(), b_.CreateConstInBoundsGEP1_64(b_.getInt64Ty(), dims, s),
          p_.symbols[s]));
  }
  /// a op b on i64 through an `*.with.overflow` intrinsic; an overflow is
  /// or-ed into overflow_.
  Value *checked(llvm::Intrinsic::ID op, Value *a, Value *b) {
    Value *pair = b_.CreateBinaryIntrinsic(op, a, b);
    overflow_ = b_.CreateOr(overflow_, b_.CreateExtractValue(pair, 1));
    return b_.CreateExtractValue(pair, 0);
  }
  Value *mul(Value *a, Value *b) {
    return checked(llvm::Intrinsic::smul_with_overflow, a, b);
  }
  Value *add(Value *a, Value *b) {
    return checked(llvm::Intrinsic::sadd_with_overflow, a, b);
  }
  Value *numel(const ir::Shape &shape) {
    ir::Dim n = ir::numElements(shape);
    Value *v = b_.getInt64(n.coeff);
    for (const std::string &s : n.symbols) {
      size_t index = std::find(p_.symbols.begin(), p_.symbols.end(), s) -
                     p_.symbols.begin();
      v = mul(v, symbols_[index]);
    }
    return v;
  }
  /// Byte offsets of the workspace buffers (nullptr for the others) and the
  /// total, each buffer rounded up to 64 bytes. The symbols come from the
  /// caller's input shapes, so the arithmetic is checked (overflow_).
  Value *workspaceLayout(std::vector<Value *> &offsets) {
    overflow_ = b_.getFalse();
    Value *offset = b_.getInt64(0);
    offsets.assign(p_.buffers.size(), nullptr);
    for (size_t i = 0; i < p_.buffers.size(); ++i) {
      if (p_.buffers[i].kind != Buffer::Workspace)
        continue;
      offsets[i] = offset;
      Value *bytes = mul(numel(p_.buffers[i].shape), b_.getInt64(elementBytes()));
      bytes = b_.CreateAnd(add(bytes, b_.getInt64(63)), b_.getInt64(~63LL));
      offset = add(offset, bytes);
    }
    return offset;
  }

  /// The workspace's size in bytes, or -1 when it does not fit in int64
  /// (nnrt_model.h).
  void emitWorkspaceSize() {
    auto *type = llvm::FunctionType::get(b_.getInt64Ty(), {ptrTy()}, false);
    auto *fn = llvm::Function::Create(type, llvm::Function::ExternalLinkage,
                                      workspaceName_, m_);
    b_.SetInsertPoint(llvm::BasicBlock::Create(m_.getContext(), "entry", fn));
    loadSymbols(fn->getArg(0));
    std::vector<Value *> offsets;
    Value *total = workspaceLayout(offsets);
    b_.CreateRet(b_.CreateSelect(overflow_, b_.getInt64(-1), total));
  }

  void emitEntry(const std::vector<llvm::Function *> &kernels) {
    size_t arity = training_ ? 7 : 5;
    auto *type = llvm::FunctionType::get(
        b_.getVoidTy(), std::vector<llvm::Type *>(arity, ptrTy()), false);
    auto *fn = llvm::Function::Create(type, llvm::Function::ExternalLinkage,
                                      entryName_, m_);
    b_.SetInsertPoint(llvm::BasicBlock::Create(m_.getContext(), "entry", fn));
    Value *dims = fn->getArg(0), *arena = fn->getArg(1);
    Value *state = training_ ? fn->getArg(2) : nullptr;
    Value *inputs = fn->getArg(training_ ? 3 : 2),
          *outputs = fn->getArg(training_ ? 4 : 3),
          *update = training_ ? fn->getArg(5) : nullptr,
          *workspace = fn->getArg(training_ ? 6 : 4);
    loadSymbols(dims);
    std::vector<Value *> offsets;
    workspaceLayout(offsets);
    std::vector<Value *> pointers;
    for (size_t i = 0; i < p_.buffers.size(); ++i) {
      const Buffer &buf = p_.buffers[i];
      switch (buf.kind) {
      case Buffer::Input:
      case Buffer::Output: {
        if (buf.kind == Buffer::Output && training_ &&
            buf.index >= training_->tableOutputs) {
          // A gradient: its place in the state's gradient arena.
          int64_t offset = training_->gradOffsets[buf.index - training_->tableOutputs];
          pointers.push_back(b_.CreateConstInBoundsGEP1_64(
              b_.getFloatTy(), state, static_cast<uint64_t>(offset), buf.name));
          break;
        }
        Value *table = buf.kind == Buffer::Input ? inputs : outputs;
        pointers.push_back(b_.CreateLoad(
            ptrTy(), b_.CreateConstInBoundsGEP1_64(ptrTy(), table, buf.index),
            buf.name));
        break;
      }
      case Buffer::Param:
        pointers.push_back(b_.CreateConstInBoundsGEP1_64(
            elemTy(), arena, static_cast<uint64_t>(buf.index), buf.name));
        break;
      case Buffer::Workspace:
        pointers.push_back(
            b_.CreateInBoundsGEP(b_.getInt8Ty(), workspace, offsets[i], buf.name));
        break;
      }
    }
    for (size_t k = 0; k < p_.kernels.size(); ++k) {
      const Kernel &kernel = p_.kernels[k];
      std::vector<Value *> args{pointers[kernel.out]};
      for (const auto &[node, buf] : kernel.reads)
        args.push_back(pointers[buf]);
      args.insert(args.end(), symbols_.begin(), symbols_.end());
      b_.CreateCall(kernels[k], args);
    }
    // Every kernel has read the parameters by now; only then may they change.
    if (training_)
      emitOptimizerUpdate(b_, arena, state, update, training_->arenaElements,
                          training_->updateRanges);
    b_.CreateRetVoid();
  }

  llvm::Module &m_;
  const KernelProgram &p_;
  std::string entryName_, workspaceName_;
  const TrainingCode *training_;
  llvm::IRBuilder<> b_;
  std::vector<Value *> symbols_;
  Value *overflow_ = nullptr; ///< i1: a checked size computation overflowed
};

} // namespace

std::unique_ptr<llvm::Module> emitModule(const KernelProgram &forward,
                                         const TrainingCode *training,
                                         const std::string &manifest,
                                         llvm::LLVMContext &context) {
  auto module = std::make_unique<llvm::Module>("nnc_model", context);
  llvm::Constant *text = llvm::ConstantDataArray::getString(context, manifest, true);
  auto *global = new llvm::GlobalVariable(*module, text->getType(), true,
                                          llvm::GlobalValue::ExternalLinkage,
                                          text, "nnc_model_manifest");
  global->setAlignment(llvm::Align(1));
  EntryEmitter(*module, forward, "nnc_model_forward",
               "nnc_model_forward_workspace")
      .run();
  if (training) {
    EntryEmitter(*module, training->evaluate, "nnc_model_evaluate",
                 "nnc_model_evaluate_workspace")
        .run();
    EntryEmitter(*module, training->trainStep, "nnc_model_train_step",
                 "nnc_model_train_workspace", training)
        .run();
  }
  return module;
}

std::unique_ptr<llvm::TargetMachine> hostTargetMachine(std::string &error) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  std::string triple = llvm::sys::getDefaultTargetTriple();
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return nullptr;
  llvm::SubtargetFeatures features;
  for (const auto &[name, enabled] : llvm::sys::getHostCPUFeatures())
    features.AddFeature(name, enabled);
  llvm::TargetOptions options;
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, llvm::sys::getHostCPUName(), features.getString(), options,
      llvm::Reloc::PIC_, std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  if (!machine)
    error = "cannot create a target machine for " + triple;
  return machine;
}

void optimizeModule(llvm::Module &module, llvm::TargetMachine &machine) {
  module.setDataLayout(machine.createDataLayout());
  module.setTargetTriple(machine.getTargetTriple().str());
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PipelineTuningOptions tuning;
  tuning.LoopVectorization = true;
  tuning.SLPVectorization = true;
  llvm::PassBuilder builder(&machine, tuning);
  builder.registerModuleAnalyses(mam);
  builder.registerCGSCCAnalyses(cgam);
  builder.registerFunctionAnalyses(fam);
  builder.registerLoopAnalyses(lam);
  builder.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::ModulePassManager passes =
      builder.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O3);
  passes.run(module, mam);
}

bool writeObject(llvm::Module &module, llvm::TargetMachine &machine,
                 const std::string &path, std::string &error) {
  module.setDataLayout(machine.createDataLayout());
  module.setTargetTriple(machine.getTargetTriple().str());
  std::error_code ec;
  llvm::raw_fd_ostream out(path, ec, llvm::sys::fs::OF_None);
  if (ec) {
    error = "cannot write `" + path + "`: " + ec.message();
    return false;
  }
  llvm::legacy::PassManager passes;
  if (machine.addPassesToEmitFile(passes, out, nullptr,
                                  llvm::CodeGenFileType::ObjectFile)) {
    error = "the target cannot emit object files";
    return false;
  }
  passes.run(module);
  out.flush();
  return true;
}

} // namespace nnc::codegen
