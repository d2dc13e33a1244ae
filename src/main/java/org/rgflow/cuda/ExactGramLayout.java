package org.rgflow.cuda;

import org.rgflow.spec.NetworkSpec;

/**
 * The buffers of {@code rg_exact_gram} (kernels/exact_gram.cu) for one run: per target layer t the
 * measured neurons m_t, the offsets of Θ̂^{(t)} (tOff), of Γ_t (tgOff, one past the last at L+1) and
 * of Y_t (tyOff), and the per-network strides of the double and int workspaces, in the order the
 * kernel's header lists them (the kernel recomputes the same offsets from mMax, gMax and maxW).
 */
final class ExactGramLayout {
  final int depth;
  final int nd;
  final int[] m;
  final int[] tOff;
  final int[] tgOff;
  final int[] tyOff;
  final int mMax;
  final int gMax;
  final int maxW;
  final long wsStride;
  final long iwsStride;
  final long thetaStride;

  ExactGramLayout(NetworkSpec spec, int nd, int ntkNeurons) {
    depth = spec.depth();
    this.nd = nd;
    m = new int[depth + 1];
    tOff = new int[depth + 1];
    tgOff = new int[depth + 2];
    tyOff = new int[depth + 1];
    long t = 0;
    long tg = 0;
    long ty = 0;
    int mm = 1;
    int w = 1;
    for (int l = 1; l <= depth; l++) {
      m[l] = Math.min(ntkNeurons, spec.width(l));
      int b = m[l] * nd;
      tOff[l] = (int) t;
      tgOff[l] = (int) tg;
      tyOff[l] = (int) ty;
      t += (long) b * b;
      tg += (long) b * b;
      ty += 8L * b;
      mm = Math.max(mm, b);
      w = Math.max(w, spec.width(l - 1));
    }
    tgOff[depth + 1] = (int) tg;
    mMax = mm;
    maxW = w;
    gMax = Math.min(1 << nd, w);
    long o = 2L * mm * mm + 16L * mm + 8 + (8L * mm + (long) mm * mm + 4) + (mm + 4) + 8L * mm
        + (long) mm * mm + (long) mm * (8 + mm) + 8 + 3 * 64L * gMax + 3 * 64 + 8L * maxW;
    wsStride = o + tg + ty;
    iwsStride = 3L * mm + 256 + 4L * gMax;
    thetaStride = Math.max(1, t);
  }
}
