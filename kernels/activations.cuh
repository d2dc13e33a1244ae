// activations.cuh — the activations of org.rgflow.act, by id (CudaActivation.java keeps the ids).
#pragma once

enum RgAct { RG_LINEAR = 0, RG_RELU = 1, RG_LEAKY = 2, RG_TANH = 3, RG_SIN = 4, RG_ERF = 5,
             RG_SIGMOID = 6, RG_SOFTPLUS = 7, RG_SWISH = 8, RG_GELU = 9, RG_STEP = 10, RG_MONOMIAL = 11 };

/** sigma(z) and sigma'(z) for activation `act` with parameter `p` (leaky slope, monomial power). */
__device__ __forceinline__ void rg_act(int act, float p, float z, float* s, float* ds) {
  switch (act) {
    case RG_LINEAR: *s = z; *ds = 1.0f; break;
    case RG_RELU: *s = z > 0.0f ? z : 0.0f; *ds = z > 0.0f ? 1.0f : 0.0f; break;
    case RG_LEAKY: *s = z > 0.0f ? z : p * z; *ds = z > 0.0f ? 1.0f : p; break;
    case RG_TANH: { float t = tanhf(z); *s = t; *ds = 1.0f - t * t; break; }
    case RG_SIN: { float sn, cs; sincosf(z, &sn, &cs); *s = sn; *ds = cs; break; }
    case RG_ERF: *s = erff(z); *ds = 1.1283791670955126f * expf(-z * z); break;
    case RG_SIGMOID: { float g = 1.0f / (1.0f + expf(-z)); *s = g; *ds = g * (1.0f - g); break; }
    case RG_SOFTPLUS: *s = z > 20.0f ? z : log1pf(expf(z)); *ds = 1.0f / (1.0f + expf(-z)); break;
    case RG_SWISH: { float g = 1.0f / (1.0f + expf(-z)); *s = z * g; *ds = g * (1.0f + z * (1.0f - g)); break; }
    case RG_GELU: { float c = normcdff(z); *s = z * c; *ds = c + z * 0.3989422804014327f * expf(-0.5f * z * z); break; }
    case RG_STEP: *s = z > 0.0f ? 1.0f : 0.0f; *ds = 0.0f; break;
    default: { int q = (int)p; float v = 1.0f; for (int i = 0; i < q - 1; ++i) v *= z; *s = v * z; *ds = q * v; break; }
  }
}
