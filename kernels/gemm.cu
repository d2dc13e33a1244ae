// gemm.cu — our own strided-batched SGEMM, for where cuBLAS cannot be loaded (host:
// org.rgflow.cuda.BatchedGemm). JCublas 12.6's libJCublas2 needs libcublas.so.12, which machines
// with CUDA 13 only lack; the weights-in-memory path (many inputs, training) needs a GEMM anyway.
//
// rg_sgemm_batched has cublasSgemmStridedBatched's meaning (column-major, cuBLAS operand order):
//   C_b = alpha op(A_b) op(B_b) + beta C_b,   b = 0..batch-1,   X_b = X + b * strideX
//   op(A) is m x k: A (lda >= m) when transA = 0, A^T (lda >= k) when transA = 1; likewise B (k x n)
//   beta == 0: C is not read (it may hold NaN), as in cuBLAS.
// Grid (ceil(m/64), ceil(n/64), batch), 256 threads: a 64 x 64 tile of C per block, 16-deep slices
// of op(A) and op(B) staged in shared memory, 4 x 4 outputs per thread (rows r + 16a, columns
// c + 16b, r = tid % 16, c = tid / 16, so a warp's stores cover 16 consecutive rows of two columns).
// Each output is one float fmaf chain over p = 0..k-1 in order, then fmaf(alpha, acc, beta c):
// deterministic, and the host harness (kernels/host) reproduces it bit for bit.
#define RG_GEMM_T 64
#define RG_GEMM_K 16

extern "C" __global__ void __launch_bounds__(256) rg_sgemm_batched(
    int transA, int transB, int m, int n, int k, float alpha, const float* __restrict__ A, int lda,
    long long strideA, const float* __restrict__ B, int ldb, long long strideB, float beta,
    float* __restrict__ C, int ldc, long long strideC, int batch) {
  __shared__ float As[RG_GEMM_K][RG_GEMM_T + 1];  // As[p][i] = op(A)(i0 + i, p0 + p)
  __shared__ float Bs[RG_GEMM_K][RG_GEMM_T + 1];  // Bs[p][j] = op(B)(p0 + p, j0 + j)
  const int b = blockIdx.z;
  if (b >= batch) return;  // uniform across the block
  const float* a = A + (size_t)b * (size_t)strideA;
  const float* bm = B + (size_t)b * (size_t)strideB;
  float* c = C + (size_t)b * (size_t)strideC;
  const int i0 = blockIdx.x * RG_GEMM_T, j0 = blockIdx.y * RG_GEMM_T;
  const int t = threadIdx.x, r = t & 15, q = t >> 4;
  float acc[4][4];
#pragma unroll
  for (int x = 0; x < 4; ++x)
#pragma unroll
    for (int y = 0; y < 4; ++y) acc[x][y] = 0.0f;

  for (int p0 = 0; p0 < k; p0 += RG_GEMM_K) {
    // Stage op(A)(i0.., p0..) and op(B)(p0.., j0..): 64 x 16 each, 4 elements per thread, reading
    // along the contiguous dimension of the stored matrix.
#pragma unroll
    for (int s = 0; s < 4; ++s) {
      int i, p;
      if (!transA) { i = t & 63; p = (t >> 6) + 4 * s; } else { i = (t >> 4) + 16 * s; p = t & 15; }
      const int gi = i0 + i, gp = p0 + p;
      float v = 0.0f;
      if (gi < m && gp < k) v = transA ? a[gp + (size_t)gi * lda] : a[gi + (size_t)gp * lda];
      As[p][i] = v;
      int j;
      if (!transB) { j = (t >> 4) + 16 * s; p = t & 15; } else { j = t & 63; p = (t >> 6) + 4 * s; }
      const int gj = j0 + j, gq = p0 + p;
      float w = 0.0f;
      if (gj < n && gq < k) w = transB ? bm[gj + (size_t)gq * ldb] : bm[gq + (size_t)gj * ldb];
      Bs[p][j] = w;
    }
    __syncthreads();
    const int kk = min(RG_GEMM_K, k - p0);
    for (int p = 0; p < kk; ++p) {
      float av[4], bv[4];
#pragma unroll
      for (int x = 0; x < 4; ++x) av[x] = As[p][r + 16 * x];
#pragma unroll
      for (int y = 0; y < 4; ++y) bv[y] = Bs[p][q + 16 * y];
#pragma unroll
      for (int x = 0; x < 4; ++x)
#pragma unroll
        for (int y = 0; y < 4; ++y) acc[x][y] = fmaf(av[x], bv[y], acc[x][y]);
    }
    __syncthreads();
  }
#pragma unroll
  for (int y = 0; y < 4; ++y) {
    const int j = j0 + q + 16 * y;
    if (j >= n) continue;
#pragma unroll
    for (int x = 0; x < 4; ++x) {
      const int i = i0 + r + 16 * x;
      if (i >= m) continue;
      float* out = c + i + (size_t)j * ldc;
      *out = beta == 0.0f ? alpha * acc[x][y] : fmaf(alpha, acc[x][y], beta * *out);
    }
  }
}
