// harness.cpp — runs the unmodified CUDA kernels (kernels/*.cu, compiled as C++ through
// cuda_host.h) on the CPU, for CudaKernelsOnHostTest. Build (the test does this):
//   g++ -std=c++17 -O2 -ffp-contract=off -fno-strict-aliasing -pthread -Ikernels
//       -include kernels/host/cuda_host.h kernels/host/harness.cpp -o harness
// Usage: harness JOB OUT [threads]
//
// JOB is a text file of whitespace-separated tokens, a list of commands:
//   buf NAME TYPE COUNT zero|poison|data [v0 v1 ...]
//       a device buffer (TYPE i32 u32 i64 f32 f64); poison = every byte 0xFF (NaN, -1), as
//       uninitialised cuMemAlloc memory might be; data values are decimal for integers and the hex
//       bit pattern (0x...) for floats
//   launch KERNEL GRID BLOCK SHMEM NARGS ARG...      (GRID: X or X,Y,Z; BLOCK: threads, 1-D)
//       ARG: i32:V u32:V i64:V f32:0xBITS f64:0xBITS buf:NAME — checked against the kernel's real
//       parameter list (type by type, and the count), so the argument list the Java side builds is
//       checked against the kernel's signature
//   schedule forward|reverse|shuffled
//       the order in which runnable fibres resume (cuda_host.h), for the launches that follow
//   dump NAME
// OUT receives, per dump, a line "NAME TYPE COUNT\n" and the COUNT elements, little-endian.
// Every buffer has 256-byte guard zones on both sides, checked after each launch (writes out of
// bounds fail the run). Exit 0 on success; 3 on a kernel error (deadlock, divergent barrier, out of
// bounds write), 2 on a malformed job.
#include <atomic>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <type_traits>

#include "ensemble_forward.cu"
#include "ensemble_ntk.cu"
#include "ensemble_dntk.cu"
#include "gemm.cu"
#include "exact_forward.cu"
#include "exact_gram.cu"
#include "train.cu"

/** Host-only test entry: the float Box-Muller transform of given Philox words (4 per block). */
extern "C" __global__ void rg_host_box_muller(const unsigned* x, float* g, int blocks) {
  for (int b = blockIdx.x * blockDim.x + threadIdx.x; b < blocks; b += gridDim.x * blockDim.x) {
    float4 v = rg_box_muller(make_uint4(x[4 * b], x[4 * b + 1], x[4 * b + 2], x[4 * b + 3]));
    g[4 * b] = v.x;
    g[4 * b + 1] = v.y;
    g[4 * b + 2] = v.z;
    g[4 * b + 3] = v.w;
  }
}

namespace {

[[noreturn]] void bad(const std::string& m) {
  std::fprintf(stderr, "harness: %s\n", m.c_str());
  std::exit(2);
}

[[noreturn]] void bad3(const std::string& m) {
  std::fprintf(stderr, "rg-host: %s\n", m.c_str());
  std::exit(3);
}

/** "X" or "X,Y,Z". */
dim3 parseDim(const std::string& s) {
  dim3 d;
  if (std::sscanf(s.c_str(), "%u,%u,%u", &d.x, &d.y, &d.z) == 3 || std::sscanf(s.c_str(), "%u", &d.x) == 1) return d;
  bad("malformed grid " + s);
}

constexpr size_t GUARD = 256;
constexpr unsigned char GUARD_BYTE = 0xA5;

struct Buffer {
  std::string type;
  size_t count = 0;
  size_t elem = 0;
  std::vector<unsigned char> mem;  // GUARD | data | GUARD
  unsigned char* data() { return mem.data() + GUARD; }
};

std::map<std::string, Buffer> buffers;

size_t elemSize(const std::string& t) {
  if (t == "i32" || t == "u32" || t == "f32") return 4;
  if (t == "i64" || t == "f64") return 8;
  bad("unknown type " + t);
}

template <class T> const char* tagOf();
template <> const char* tagOf<int>() { return "i32"; }
template <> const char* tagOf<unsigned>() { return "u32"; }
template <> const char* tagOf<long long>() { return "i64"; }
template <> const char* tagOf<float>() { return "f32"; }
template <> const char* tagOf<double>() { return "f64"; }

struct ArgReader {
  std::vector<std::string> args;
  size_t next = 0;
  std::string kernel;

  std::pair<std::string, std::string> take() {
    if (next >= args.size()) bad(kernel + ": too few arguments (" + std::to_string(args.size()) + ")");
    const std::string& a = args[next++];
    size_t c = a.find(':');
    if (c == std::string::npos) bad(kernel + ": malformed argument " + a);
    return {a.substr(0, c), a.substr(c + 1)};
  }

  template <class T> T get() {
    auto [tag, v] = take();
    std::string where = kernel + " argument " + std::to_string(next - 1);
    if constexpr (std::is_pointer_v<T>) {
      using E = std::remove_const_t<std::remove_pointer_t<T>>;
      if (tag != "buf") bad(where + ": expected a buffer, got " + tag);
      auto it = buffers.find(v);
      if (it == buffers.end()) bad(where + ": no buffer " + v);
      if (it->second.type != tagOf<E>()) bad(where + ": buffer " + v + " is " + it->second.type + ", the kernel takes " + tagOf<E>());
      return reinterpret_cast<T>(it->second.data());
    } else {
      if (tag != tagOf<T>()) bad(where + ": expected " + tagOf<T>() + ", got " + tag);
      if constexpr (std::is_same_v<T, float>) {
        unsigned bits = (unsigned)std::stoul(v, nullptr, 0);
        return __uint_as_float(bits);
      } else if constexpr (std::is_same_v<T, double>) {
        unsigned long long bits = std::stoull(v, nullptr, 0);
        return __longlong_as_double((long long)bits);
      } else if constexpr (std::is_same_v<T, unsigned>) {
        return (unsigned)std::stoul(v, nullptr, 0);
      } else {
        return (T)std::stoll(v, nullptr, 0);
      }
    }
  }
};

/** Binds a kernel's parameters from the job's arguments (left to right: braced initialisation). */
template <class... P>
std::function<void()> bind(void (*fn)(P...), ArgReader& r) {
  auto t = std::make_shared<std::tuple<P...>>(std::tuple<P...>{r.template get<P>()...});
  if (r.next != r.args.size())
    bad(r.kernel + ": " + std::to_string(r.args.size()) + " arguments given, the kernel takes " + std::to_string(sizeof...(P)));
  return [fn, t]() { std::apply(fn, *t); };
}

using Binder = std::function<std::function<void()>(ArgReader&)>;
#define RG_KERNEL(name) {#name, [](ArgReader& r) { return bind(&name, r); }}
const std::map<std::string, Binder> kernels = {
    RG_KERNEL(rg_forward_nd1), RG_KERNEL(rg_forward_nd2), RG_KERNEL(rg_forward_nd3),
    RG_KERNEL(rg_forward_nd4), RG_KERNEL(rg_forward_nd5), RG_KERNEL(rg_forward_nd6),
    RG_KERNEL(rg_forward_nd7), RG_KERNEL(rg_forward_nd8), RG_KERNEL(rg_ntk_vt8),
    RG_KERNEL(rg_ntk_vt16), RG_KERNEL(rg_dntk), RG_KERNEL(rg_sgemm_batched),
    RG_KERNEL(rg_host_box_muller),
    RG_KERNEL(rg_exact_forward_nd1), RG_KERNEL(rg_exact_forward_nd2), RG_KERNEL(rg_exact_forward_nd3),
    RG_KERNEL(rg_exact_forward_nd4), RG_KERNEL(rg_exact_forward_nd5), RG_KERNEL(rg_exact_forward_nd6),
    RG_KERNEL(rg_exact_forward_nd7), RG_KERNEL(rg_exact_forward_nd8), RG_KERNEL(rg_exact_gram),
    RG_KERNEL(rg_train_init), RG_KERNEL(rg_train_forward), RG_KERNEL(rg_train_steps),
    RG_KERNEL(rg_train_ntk),
};

void checkGuards(const std::string& after) {
  for (auto& [name, b] : buffers) {
    for (size_t i = 0; i < GUARD; ++i) {
      if (b.mem[i] != GUARD_BYTE) bad3("write before the start of buffer " + name + " in " + after);
      if (b.mem[GUARD + b.count * b.elem + i] != GUARD_BYTE) bad3("write past the end of buffer " + name + " in " + after);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) bad("usage: harness JOB OUT [threads]");
  int threads = argc > 3 ? std::atoi(argv[3]) : (int)std::thread::hardware_concurrency();
  if (threads < 1) threads = 1;
  std::ifstream job(argv[1]);
  if (!job) bad(std::string("cannot read ") + argv[1]);
  std::ofstream out(argv[2], std::ios::binary);
  if (!out) bad(std::string("cannot write ") + argv[2]);
  std::string cmd;
  while (job >> cmd) {
    if (cmd == "buf") {
      std::string name, type, init;
      size_t count;
      job >> name >> type >> count >> init;
      Buffer b;
      b.type = type;
      b.count = count;
      b.elem = elemSize(type);
      b.mem.assign(2 * GUARD + count * b.elem, GUARD_BYTE);
      if (init == "zero") {
        std::memset(b.data(), 0, count * b.elem);
      } else if (init == "poison") {
        std::memset(b.data(), 0xFF, count * b.elem);
      } else if (init == "data") {
        for (size_t i = 0; i < count; ++i) {
          std::string v;
          if (!(job >> v)) bad("buffer " + name + ": too few values");
          unsigned long long bits = v[0] == '-' ? (unsigned long long)std::stoll(v, nullptr, 0) : std::stoull(v, nullptr, 0);
          std::memcpy(b.data() + i * b.elem, &bits, b.elem);  // little-endian: the low bytes
        }
      } else {
        bad("buffer " + name + ": unknown init " + init);
      }
      buffers[name] = std::move(b);
    } else if (cmd == "launch") {
      ArgReader r;
      std::string gridText;
      int block, nargs;
      size_t shmem;
      job >> r.kernel >> gridText >> block >> shmem >> nargs;
      const dim3 grid = parseDim(gridText);
      const int blocks = (int)(grid.x * grid.y * grid.z);
      for (int i = 0; i < nargs; ++i) {
        std::string a;
        job >> a;
        r.args.push_back(a);
      }
      auto k = kernels.find(r.kernel);
      if (k == kernels.end()) bad("unknown kernel " + r.kernel);
      std::function<void()> body = k->second(r);
      std::atomic<int> nextBlock{0};
      auto worker = [&]() {
        rgh::Block b;
        for (int bi; (bi = nextBlock.fetch_add(1)) < blocks;) {
          dim3 idx{bi % grid.x, (bi / grid.x) % grid.y, bi / (grid.x * grid.y)};
          rgh::run_block(b, idx, grid, block, shmem, body);
        }
      };
      std::vector<std::thread> pool;
      for (int t = 1; t < threads && t < blocks; ++t) pool.emplace_back(worker);
      worker();
      for (auto& t : pool) t.join();
      checkGuards(r.kernel);
    } else if (cmd == "schedule") {
      std::string how;
      job >> how;
      if (how == "forward") rgh::schedule = rgh::FORWARD;
      else if (how == "reverse") rgh::schedule = rgh::REVERSE;
      else if (how == "shuffled") rgh::schedule = rgh::SHUFFLED;
      else bad("unknown schedule " + how);
    } else if (cmd == "dump") {
      std::string name;
      job >> name;
      auto it = buffers.find(name);
      if (it == buffers.end()) bad("dump of unknown buffer " + name);
      Buffer& b = it->second;
      out << name << ' ' << b.type << ' ' << b.count << '\n';
      out.write(reinterpret_cast<const char*>(b.data()), (std::streamsize)(b.count * b.elem));
    } else {
      bad("unknown command " + cmd);
    }
  }
  out.close();
  if (!out) bad("writing the output failed");
  return 0;
}
