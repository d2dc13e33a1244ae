// cuda_host.h — compiles the unmodified kernels/*.cu as host C++ (g++ -x c++ -include this file).
//
// Each thread block runs on one OS thread; its CUDA threads are fibres, one per thread (ucontext, or
// on x86-64 a hand-written switch of the same meaning, below),
// scheduled cooperatively: a fibre runs until it reaches __syncthreads(), a warp shuffle or its end,
// so every thread of a block runs as far ahead of the others as a barrier allows (the most skewed
// schedule there is: a missing barrier shows up as reads of values not yet written). The order in
// which runnable fibres resume is forward, reverse or shuffled (rgh::schedule; the job's
// "schedule" command), so that a race hidden by one order shows in another.
//   __syncthreads()      a real barrier across the block's threads; a thread that exits while others
//                        wait at a barrier is reported as an error (divergent barrier), as is deadlock
//   __shfl_*_sync        released once all 32 lanes of the warp have arrived (full masks only)
//   __shared__           static thread_local (one copy per OS thread = per running block)
//   RG_DYNAMIC_SHARED    the kernels' extern __shared__ declaration (a macro there; here a pointer
//                        to this block's dynamic shared memory, poisoned with 0xFF = NaN per block)
// Float semantics: float and double arithmetic are IEEE on both sides; build with -ffp-contract=off
// so that every fused multiply-add is one the kernel wrote (fmaf) — nvcc also contracts a*b+c
// elsewhere, which moves results by an ulp, far below the harness's tolerances. Math functions are
// glibc's float functions (within 1 ulp), the device's are within 1–2 ulp (CUDA C Programming Guide,
// "Mathematical functions"); sincospif/normcdff, which glibc lacks, are evaluated in double and
// rounded once. Intrinsics (__umulhi, __float_as_uint, __fmaf_rn, ...) are exact.
#pragma once
#include <ucontext.h>
#include <sys/mman.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <vector>
// Everything harness.cpp includes, before the macros below (__noinline__ would break
// libstdc++'s __attribute__((__noinline__)) in headers included after it).
#include <atomic>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <type_traits>

#define __device__
#define __host__
#define __global__
#define __forceinline__ inline
#define __noinline__ __attribute__((noinline))
#define __launch_bounds__(...)
#define __align__(n) alignas(n)
#define __shared__ static thread_local
#define RG_DYNAMIC_SHARED(type, name) type* name = reinterpret_cast<type*>(::rgh::dynamic_shared())

struct dim3 {
  unsigned x = 1, y = 1, z = 1;
};
struct uint2 { unsigned x, y; };
struct alignas(16) uint4 { unsigned x, y, z, w; };
struct int2 { int x, y; };
struct alignas(16) int4 { int x, y, z, w; };
struct alignas(8) float2 { float x, y; };
struct alignas(16) float4 { float x, y, z, w; };
struct alignas(16) double2 { double x, y; };
inline uint2 make_uint2(unsigned x, unsigned y) { return {x, y}; }
inline uint4 make_uint4(unsigned x, unsigned y, unsigned z, unsigned w) { return {x, y, z, w}; }
inline int2 make_int2(int x, int y) { return {x, y}; }
inline int4 make_int4(int x, int y, int z, int w) { return {x, y, z, w}; }
inline float2 make_float2(float x, float y) { return {x, y}; }
inline float4 make_float4(float x, float y, float z, float w) { return {x, y, z, w}; }
inline double2 make_double2(double x, double y) { return {x, y}; }

namespace rgh {

[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "rg-host: %s\n", what);
  std::fflush(stderr);
  std::_Exit(3);
}

enum State { RUNNABLE, AT_BARRIER, AT_SHUFFLE, DONE };

// Context switch. x86-64: a hand-written switch of the callee-saved registers and the stack pointer
// (~20 instructions; glibc's swapcontext also saves the signal mask with a system call, ~50x
// slower, which made the N_D = 8 shapes' 700 block sums per layer take seconds). Elsewhere, or with
// -DRGH_UCONTEXT: ucontext.
#if defined(__x86_64__) && !defined(RGH_UCONTEXT)
#define RGH_FAST_SWITCH 1
extern "C" void rgh_switch(void** save, void* load);
asm(R"(
  .text
  .globl rgh_switch
  .type rgh_switch, @function
rgh_switch:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
  .size rgh_switch, .-rgh_switch
)");
struct Context {
  void* sp = nullptr;
};
inline void switch_to(Context* from, Context* to) { rgh_switch(&from->sp, to->sp); }
/** A fresh context that starts fn on the stack [base, base + size). */
inline void make_context(Context* c, char* base, size_t size, void (*fn)()) {
  uintptr_t top = ((uintptr_t)(base + size)) & ~(uintptr_t)15;
  void** sp = (void**)top;
  *--sp = nullptr;         // fn's return address slot (fn never returns): rsp = 8 mod 16 at entry
  *--sp = (void*)fn;       // rgh_switch returns into fn
  for (int i = 0; i < 6; ++i) *--sp = nullptr;  // rbp rbx r12 r13 r14 r15
  c->sp = sp;
}
#else
struct Context {
  ucontext_t uc;
};
inline void switch_to(Context* from, Context* to) { swapcontext(&from->uc, &to->uc); }
inline void make_context(Context* c, char* base, size_t size, void (*fn)()) {
  getcontext(&c->uc);
  c->uc.uc_stack.ss_sp = base;
  c->uc.uc_stack.ss_size = size;
  c->uc.uc_link = nullptr;
  makecontext(&c->uc, fn, 0);
}
#endif

struct Fibre {
  Context ctx;
  dim3 tid;
  State state = RUNNABLE;
  char* stack = nullptr;
};

struct Warp {
  int arrived = 0;
  int op = 0;
  int bytes = 0;
  uint64_t val[32];
  int arg[32];
  uint64_t res[32];
};

constexpr size_t STACK = 256 * 1024;

struct Block {
  std::vector<Fibre> f;
  std::vector<Warp> w;
  Context sched;
  int cur = 0;
  int n = 0;
  int atBarrier = 0;
  int done = 0;
  dim3 blockIdx, blockDim, gridDim;
  const std::function<void()>* body = nullptr;
  std::vector<unsigned char> dyn;

  ~Block() {
    for (Fibre& x : f)
      if (x.stack) munmap(x.stack, STACK + 4096);
  }
};

inline thread_local Block* B = nullptr;

inline Fibre& me() { return B->f[B->cur]; }
inline const dim3& thread_idx() { return me().tid; }
inline void* dynamic_shared() { return B->dyn.data(); }

inline void yield() { switch_to(&me().ctx, &B->sched); }

inline void entry() {
  (*B->body)();
  Fibre& m = me();
  m.state = DONE;
  B->done++;
  switch_to(&m.ctx, &B->sched);
  fail("a finished fibre was resumed");
}

inline void syncthreads() {
  me().state = AT_BARRIER;
  if (++B->atBarrier == B->n) {
    for (Fibre& x : B->f)
      if (x.state == AT_BARRIER) x.state = RUNNABLE;
    B->atBarrier = 0;
  }
  yield();
}

enum ShflOp { SHFL_DOWN = 1, SHFL_UP, SHFL_XOR, SHFL_IDX };

template <class T>
inline T shuffle(int op, unsigned mask, T v, int arg, int width) {
  static_assert(sizeof(T) <= 8, "shuffle of more than 8 bytes");
  if (mask != 0xffffffffu) fail("warp shuffle with a partial mask (the harness supports full warps only)");
  if (width != 32) fail("warp shuffle with width != 32 (not supported by the harness)");
  if (B->n % 32 != 0) fail("warp shuffle in a block whose size is not a multiple of 32");
  const int t = (int)me().tid.x, lane = t & 31;
  Warp& w = B->w[t >> 5];
  if (w.arrived == 0) {
    w.op = op;
    w.bytes = (int)sizeof(T);
  } else if (w.op != op || w.bytes != (int)sizeof(T)) {
    fail("lanes of one warp reached different shuffles");
  }
  uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof(T));
  w.val[lane] = bits;
  w.arg[lane] = arg;
  me().state = AT_SHUFFLE;
  if (++w.arrived == 32) {
    for (int l = 0; l < 32; ++l) {
      int src = l;
      switch (op) {
        case SHFL_DOWN: src = l + w.arg[l] < 32 ? l + w.arg[l] : l; break;
        case SHFL_UP: src = l - w.arg[l] >= 0 ? l - w.arg[l] : l; break;
        case SHFL_XOR: src = (l ^ w.arg[l]) & 31; break;
        default: src = w.arg[l] & 31; break;
      }
      w.res[l] = w.val[src];
    }
    Fibre* base = &B->f[(t >> 5) * 32];
    for (int l = 0; l < 32; ++l) base[l].state = RUNNABLE;
    w.arrived = 0;
  }
  yield();
  T out;
  std::memcpy(&out, &w.res[lane], sizeof(T));
  return out;
}

/**
 * Which runnable fibre the scheduler resumes next. FORWARD: sweeps 0, 1, ..., n-1 (each thread runs
 * to its next barrier or shuffle in turn, so thread 0 is always first). REVERSE: strict priority to
 * the highest thread index — after every resume the scan restarts from thread n-1, so the last warp
 * runs as far as it can (through all its shuffles, up to a barrier) before a lower one moves, and
 * thread 0 runs last. SHUFFLED: sweeps in a pseudo-random order, new each sweep. A race that one
 * order hides (thread 0 reading shared data before the others overwrite it, say) shows in another.
 */
enum Schedule { FORWARD, REVERSE, SHUFFLED };
inline Schedule schedule = FORWARD;

/** Runs one block of `threads` fibres, each calling body, to completion. */
inline void run_block(Block& b, dim3 blockIdx, dim3 gridDim, int threads, size_t dynBytes,
                      const std::function<void()>& body) {
  if ((int)b.f.size() != threads) {
    for (Fibre& x : b.f)
      if (x.stack) munmap(x.stack, STACK + 4096);
    b.f.assign(threads, Fibre());
    for (Fibre& x : b.f) {
      void* p = mmap(nullptr, STACK + 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED) fail("mmap of a fibre stack failed");
      mprotect(p, 4096, PROT_NONE);  // guard page: a stack overflow faults instead of corrupting
      x.stack = (char*)p;
    }
    b.w.assign((threads + 31) / 32, Warp());
  }
  b.n = threads;
  b.cur = 0;
  b.atBarrier = 0;
  b.done = 0;
  b.blockIdx = blockIdx;
  b.gridDim = gridDim;
  b.blockDim = dim3{(unsigned)threads, 1, 1};
  b.body = &body;
  b.dyn.assign(dynBytes + 16, 0xFF);  // uninitialised shared memory reads as NaN
  for (Warp& w : b.w) w.arrived = 0;
  for (int i = 0; i < threads; ++i) {
    Fibre& x = b.f[i];
    x.tid = dim3{(unsigned)i, 0, 0};
    x.state = RUNNABLE;
    make_context(&x.ctx, x.stack + 4096, STACK, entry);
  }
  B = &b;
  uint64_t rng = 0x9E3779B97F4A7C15ull ^ ((uint64_t)blockIdx.x << 20 ^ blockIdx.y << 10 ^ blockIdx.z);
  std::vector<int> order(threads);
  for (int i = 0; i < threads; ++i) order[i] = schedule == REVERSE ? threads - 1 - i : i;
  while (b.done < threads) {
    bool any = false;
    if (schedule == SHUFFLED) {  // a fresh permutation per sweep (xorshift64, seeded by the block)
      for (int i = threads - 1; i > 0; --i) {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        std::swap(order[i], order[(int)(rng % (uint64_t)(i + 1))]);
      }
    }
    for (int oi = 0; oi < threads; ++oi) {
      const int i = order[oi];
      if (b.f[i].state == RUNNABLE) {
        b.cur = i;
        any = true;
        switch_to(&b.sched, &b.f[i].ctx);
        if (schedule == REVERSE) oi = -1;  // strict priority: rescan from the last thread
      }
    }
    if (!any) {
      int bar = 0, sh = 0;
      for (Fibre& x : b.f) {
        bar += x.state == AT_BARRIER;
        sh += x.state == AT_SHUFFLE;
      }
      char msg[256];
      std::snprintf(msg, sizeof msg,
                    "block %u deadlocked: %d threads at __syncthreads, %d at a shuffle, %d exited "
                    "(divergent barrier or shuffle)",
                    blockIdx.x, bar, sh, b.done);
      fail(msg);
    }
  }
  B = nullptr;
}

}  // namespace rgh

#define threadIdx (::rgh::thread_idx())
#define blockIdx (::rgh::B->blockIdx)
#define blockDim (::rgh::B->blockDim)
#define gridDim (::rgh::B->gridDim)

inline void __syncthreads() { rgh::syncthreads(); }
template <class T> inline T __shfl_down_sync(unsigned m, T v, unsigned d, int w = 32) { return rgh::shuffle(rgh::SHFL_DOWN, m, v, (int)d, w); }
template <class T> inline T __shfl_up_sync(unsigned m, T v, unsigned d, int w = 32) { return rgh::shuffle(rgh::SHFL_UP, m, v, (int)d, w); }
template <class T> inline T __shfl_xor_sync(unsigned m, T v, int x, int w = 32) { return rgh::shuffle(rgh::SHFL_XOR, m, v, x, w); }
template <class T> inline T __shfl_sync(unsigned m, T v, int s, int w = 32) { return rgh::shuffle(rgh::SHFL_IDX, m, v, s, w); }

// ---- integer and bit intrinsics (exact) ----
inline unsigned __umulhi(unsigned a, unsigned b) { return (unsigned)(((uint64_t)a * b) >> 32); }
inline int __mulhi(int a, int b) { return (int)(((int64_t)a * b) >> 32); }
inline unsigned long long __umul64hi(unsigned long long a, unsigned long long b) {
  return (unsigned long long)(((__uint128_t)a * b) >> 64);
}
inline unsigned __float_as_uint(float f) { unsigned u; std::memcpy(&u, &f, 4); return u; }
inline int __float_as_int(float f) { int u; std::memcpy(&u, &f, 4); return u; }
inline float __uint_as_float(unsigned u) { float f; std::memcpy(&f, &u, 4); return f; }
inline float __int_as_float(int u) { float f; std::memcpy(&f, &u, 4); return f; }
inline long long __double_as_longlong(double d) { long long u; std::memcpy(&u, &d, 8); return u; }
inline double __longlong_as_double(long long u) { double d; std::memcpy(&d, &u, 8); return d; }
inline int __popc(unsigned x) { return __builtin_popcount(x); }
inline int __clz(int x) { return x == 0 ? 32 : __builtin_clz((unsigned)x); }
inline int __ffs(int x) { return __builtin_ffs(x); }
inline unsigned __brev(unsigned x) {
  unsigned r = 0;
  for (int i = 0; i < 32; ++i) r |= ((x >> i) & 1u) << (31 - i);
  return r;
}
inline int min(int a, int b) { return a < b ? a : b; }
inline int max(int a, int b) { return a > b ? a : b; }
inline unsigned min(unsigned a, unsigned b) { return a < b ? a : b; }
inline unsigned max(unsigned a, unsigned b) { return a > b ? a : b; }
inline long long min(long long a, long long b) { return a < b ? a : b; }
inline long long max(long long a, long long b) { return a > b ? a : b; }

// ---- float intrinsics: the IEEE-rounded ones are exact; the fast ones get accurate stand-ins ----
inline float __fmaf_rn(float a, float b, float c) { return std::fma(a, b, c); }
inline float __fmul_rn(float a, float b) { return a * b; }
inline float __fadd_rn(float a, float b) { return a + b; }
inline float __fsub_rn(float a, float b) { return a - b; }
inline float __fdiv_rn(float a, float b) { return a / b; }
inline float __frcp_rn(float a) { return 1.0f / a; }
inline float __fsqrt_rn(float a) { return std::sqrt(a); }
inline double __fma_rn(double a, double b, double c) { return std::fma(a, b, c); }
inline double __dmul_rn(double a, double b) { return a * b; }
inline double __dadd_rn(double a, double b) { return a + b; }
inline float __saturatef(float x) { return x != x ? 0.0f : x < 0.0f ? 0.0f : x > 1.0f ? 1.0f : x; }
// Device: ~2 ulp approximations (ex2.approx, lg2.approx, MUFU); accurate functions here.
inline float __fdividef(float a, float b) { return a / b; }
inline float __expf(float x) { return std::exp(x); }
inline float __logf(float x) { return std::log(x); }
inline float __log2f(float x) { return std::log2(x); }
inline float __sinf(float x) { return std::sin(x); }
inline float __cosf(float x) { return std::cos(x); }
inline float __powf(float a, float b) { return std::pow(a, b); }
inline float rsqrtf(float x) { return 1.0f / std::sqrt(x); }

// ---- the kernels' inline-PTX approximations (philox.cuh), as correctly rounded stand-ins ----
#define RG_HOST_HARNESS 1
inline float rg_rcp_approx(float x) { return 1.0f / x; }
inline float rg_rsqrt_approx(float x) { return (float)(1.0 / std::sqrt((double)x)); }

// ---- math functions glibc has no float form of ----
/** sin(pi x), cos(pi x): exact reduction to |r| <= 1/4 in double, then one rounding to float. */
inline void sincospif(float x, float* s, float* c) {
  if (!std::isfinite(x)) {
    *s = *c = std::nanf("");
    return;
  }
  double t = (double)x;
  double q = std::nearbyint(2.0 * t);  // t = q/2 + r exactly (t is a float: 24 bits)
  double r = t - 0.5 * q;
  long long k = (long long)std::fmod(q, 4.0);
  if (k < 0) k += 4;
  double sr = std::sin(M_PI * r), cr = std::cos(M_PI * r);
  double sv, cv;
  switch (k) {
    case 0: sv = sr; cv = cr; break;
    case 1: sv = cr; cv = -sr; break;
    case 2: sv = -sr; cv = -cr; break;
    default: sv = -cr; cv = sr; break;
  }
  *s = (float)sv;
  *c = (float)cv;
}
inline float sinpif(float x) { float s, c; sincospif(x, &s, &c); return s; }
inline float cospif(float x) { float s, c; sincospif(x, &s, &c); return c; }
inline void sincospi(double x, double* s, double* c) {
  *s = std::sin(M_PI * x);
  *c = std::cos(M_PI * x);
}
inline float normcdff(float z) { return (float)(0.5 * std::erfc(-(double)z * M_SQRT1_2)); }
inline double normcdf(double z) { return 0.5 * std::erfc(-z * M_SQRT1_2); }
