// activations.cuh — the activations of org.rgflow.act, by code. The codes are the table
// org.rgflow.act.DeviceActivations (shared with the OpenCL kernel); DeviceActivationCodesTest parses
// this enum and fails when the two differ.
#pragma once

enum RgAct { RG_PWLIN = 0, RG_TANH = 1, RG_SIN = 2, RG_ERF = 3, RG_SIGMOID = 4, RG_SOFTPLUS = 5,
             RG_SWISH = 6, RG_GELU = 7, RG_STEP = 8, RG_MONOMIAL = 9 };

/**
 * sigma(z) and sigma'(z) in float. RG_PWLIN: a z for z >= 0, b z otherwise (linear, relu,
 * leaky_relu(b) with a = 1); RG_MONOMIAL: z^a for integer a >= 2. Others take no parameter.
 */
__device__ __forceinline__ void rg_act(int act, float a, float b, float z, float* s, float* ds) {
  switch (act) {
    case RG_PWLIN: *s = z >= 0.0f ? a * z : b * z; *ds = z >= 0.0f ? a : b; break;  // z >= 0: ScaleInvariant
    case RG_TANH: { float t = tanhf(z); *s = t; *ds = 1.0f - t * t; break; }
    case RG_SIN: { float sn, cs; sincosf(z, &sn, &cs); *s = sn; *ds = cs; break; }
    case RG_ERF: *s = erff(z); *ds = 1.1283791670955126f * expf(-z * z); break;
    case RG_SIGMOID: { float g = 1.0f / (1.0f + expf(-z)); *s = g; *ds = g * (1.0f - g); break; }
    case RG_SOFTPLUS: {
      float g = 1.0f / (1.0f + expf(-z));
      *s = fmaxf(z, 0.0f) + log1pf(expf(-fabsf(z)));
      *ds = g;
      break;
    }
    case RG_SWISH: { float g = 1.0f / (1.0f + expf(-z)); *s = z * g; *ds = g * (1.0f + z * (1.0f - g)); break; }
    case RG_GELU: { float c = normcdff(z); *s = z * c; *ds = c + z * 0.3989422804014327f * expf(-0.5f * z * z); break; }
    case RG_STEP: *s = z > 0.0f ? 1.0f : 0.0f; *ds = 0.0f; break;
    default: {
      int q = (int)a;
      float v = 1.0f;
      for (int i = 0; i < q - 1; ++i) v *= z;
      *s = v * z;
      *ds = (float)q * v;
      break;
    }
  }
}
