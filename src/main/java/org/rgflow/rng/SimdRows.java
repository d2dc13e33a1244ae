package org.rgflow.rng;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The randomness contract's weight rows, {@link #LANES} rows at a time, on the Vector API
 * (jdk.incubator.vector): vector lane k is row i₀ + k. Only load through {@link Simd}, which checks
 * that the module is present.
 *
 * <p>With one row per lane every step is the scalar step, lane by lane, in the same order:
 * Philox4x32-10 on 64-bit lanes holding 32-bit words (the 64-bit products M·c are exact), the
 * uniforms (x + 0.5)·2^-32 (x converted to double exactly by the 2^52 trick), and
 * {@link GaussMath}'s ln, sin 2πu and cos 2πu as the same IEEE +, −, ×, ÷ and √ (no FMA; Java's
 * Vector API rounds each lanewise operation like the scalar one, and only operand order within a
 * commutative + or × differs). The exponent k of ln and the quadrant q of 2πu, integers in the
 * scalar code, are built as exact doubles with compares and blends. So every Gaussian equals
 * {@link InitRng#weightRow}'s bit for bit (SimdRowsTest checks this over many rows, widths, layers
 * and seeds).
 *
 * <p>The dot products Σ_j g_ij σ_{α,j} follow {@link org.rgflow.core.Sums#dot}'s fixed order
 * exactly, lane by lane: partial sums s_t over columns j ≡ t (mod 4) in increasing j, then
 * (s0 + s1) + (s2 + s3), then the last n mod 4 columns one by one. A row is never stored: each block
 * of generated Gaussians (4 columns × LANES rows) goes into a small buffer of {@value #CHUNK} blocks
 * that every input α then consumes while it is in L1.
 */
final class SimdRows {
  static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
  static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
  /** Rows per call. */
  static final int LANES = Math.min(LS.length(), DS.length());
  /** Philox blocks (4 columns) generated before the inputs consume them. */
  static final int CHUNK = 16;

  private static final long MASK = 0xFFFFFFFFL;
  private static final long EXP_ONE = 0x4330000000000000L; // bits of 2^52
  private static final double TWO52 = 0x1p52;
  private static final double TWO_M32 = 0x1p-32;

  private SimdRows() {}

  /** Doubles of buffer {@link #dots} needs: the block buffer and the accumulators. */
  static int bufferLength(int nd) {
    return (CHUNK * 4 + 4 * nd) * LANES;
  }

  /**
   * out[α·LANES + k] = Σ_j g_{i₀+k, j} σ_α[j] for α &lt; nd, k &lt; LANES, with g row i₀ + k of
   * counter words (c1 = row, c2 = layer, c3 = network) under key seed: bit for bit
   * {@code Sums.dot(row, sIn[α], nIn)} of the row {@link InitRng#weightRow} gives.
   */
  static void dots(long seed, int network, int layer, int i0, int nIn, double[][] sIn, int nd,
      double[] buf, double[] out) {
    final int l = LANES;
    final int accBase = CHUNK * 4 * l;
    java.util.Arrays.fill(buf, accBase, accBase + 4 * nd * l, 0.0);
    long[] keys = keySchedule(seed);
    long c2 = layer & MASK;
    long c3 = network & MASK;
    int full = nIn >>> 2;
    for (int b0 = 0; b0 < full; b0 += CHUNK) {
      int nb = Math.min(CHUNK, full - b0);
      philox(b0, nb, i0, c2, c3, keys, buf, 0);
      gauss(buf, 0, 2 * nb);
      for (int a = 0; a < nd; a++) {
        double[] x = sIn[a];
        int acc = accBase + 4 * a * l;
        DoubleVector s0 = DoubleVector.fromArray(DS, buf, acc);
        DoubleVector s1 = DoubleVector.fromArray(DS, buf, acc + l);
        DoubleVector s2 = DoubleVector.fromArray(DS, buf, acc + 2 * l);
        DoubleVector s3 = DoubleVector.fromArray(DS, buf, acc + 3 * l);
        for (int b = 0; b < nb; b++) {
          int j = (b0 + b) << 2;
          int g = 4 * b * l;
          s0 = s0.add(DoubleVector.fromArray(DS, buf, g).mul(x[j]));
          s1 = s1.add(DoubleVector.fromArray(DS, buf, g + l).mul(x[j + 1]));
          s2 = s2.add(DoubleVector.fromArray(DS, buf, g + 2 * l).mul(x[j + 2]));
          s3 = s3.add(DoubleVector.fromArray(DS, buf, g + 3 * l).mul(x[j + 3]));
        }
        s0.intoArray(buf, acc);
        s1.intoArray(buf, acc + l);
        s2.intoArray(buf, acc + 2 * l);
        s3.intoArray(buf, acc + 3 * l);
      }
    }
    int rem = nIn & 3;
    if (rem != 0) {
      philox(full, 1, i0, c2, c3, keys, buf, 0);
      gauss(buf, 0, 2);
    }
    for (int a = 0; a < nd; a++) {
      int acc = accBase + 4 * a * l;
      DoubleVector s = DoubleVector.fromArray(DS, buf, acc).add(DoubleVector.fromArray(DS, buf, acc + l))
          .add(DoubleVector.fromArray(DS, buf, acc + 2 * l).add(DoubleVector.fromArray(DS, buf, acc + 3 * l)));
      double[] x = sIn[a];
      for (int t = 0; t < rem; t++) {
        s = s.add(DoubleVector.fromArray(DS, buf, t * l).mul(x[(full << 2) + t]));
      }
      s.intoArray(out, a * l);
    }
  }

  /**
   * dst[d₀ + k][j] = scale · g_{i₀+k, j} for k &lt; LANES, j &lt; nIn: the rows {@link InitRng#weightRow}
   * gives, each multiplied by scale as a caller of it would (one IEEE product per weight).
   */
  static void scaledRows(long seed, int network, int layer, int i0, int nIn, double scale,
      double[][] dst, int d0, double[] buf) {
    final int l = LANES;
    long[] keys = keySchedule(seed);
    long c2 = layer & MASK;
    long c3 = network & MASK;
    int blocks = (nIn + 3) >>> 2;
    for (int b0 = 0; b0 < blocks; b0 += CHUNK) {
      int nb = Math.min(CHUNK, blocks - b0);
      philox(b0, nb, i0, c2, c3, keys, buf, 0);
      gauss(buf, 0, 2 * nb);
      int j0 = b0 << 2;
      int cols = Math.min(nb << 2, nIn - j0);
      for (int k = 0; k < l; k++) {
        double[] d = dst[d0 + k];
        for (int c = 0; c < cols; c++) {
          d[j0 + c] = scale * buf[c * l + k];
        }
      }
    }
  }

  /**
   * Gaussians g_{i₀+k, 4·c0 + t} of every row's block c0, into {@code buf[at + t·LANES + k]}
   * (t = 0..3).
   */
  static void gaussianBlock(long seed, int network, int layer, int i0, int c0, double[] buf, int at) {
    philox(c0, 1, i0, layer & MASK, network & MASK, keySchedule(seed), buf, at);
    gauss(buf, at, 2);
  }

  /**
   * The Box–Muller step alone on words given as unsigned values in longs (for tests): pairs
   * (x0[k], x1[k]), k &lt; LANES, to r cos 2πu1 in out[k] and r sin 2πu1 in out[LANES + k].
   */
  static void transformWords(long[] x0, long[] x1, double[] out) {
    uniform(LongVector.fromArray(LS, x0, 0)).intoArray(out, 0);
    uniform(LongVector.fromArray(LS, x1, 0)).intoArray(out, LANES);
    gauss(out, 0, 1);
  }

  /** (k0, k1) of rounds 0..9 as unsigned words, k0 at 2r, k1 at 2r + 1. */
  static long[] keySchedule(long seed) {
    long[] k = new long[20];
    int k0 = (int) seed;
    int k1 = (int) (seed >>> 32);
    for (int r = 0; r < 10; r++) {
      k[2 * r] = k0 & MASK;
      k[2 * r + 1] = k1 & MASK;
      k0 += Philox4x32.W0;
      k1 += Philox4x32.W1;
    }
    return k;
  }

  /**
   * Philox blocks c0 = first..first+count−1 of rows i₀..i₀+LANES−1; block b's uniforms u_t (t = 0..3)
   * into {@code buf[at + (4b + t)·LANES + k]}. (Vectors never cross a call: C2 inlines only small
   * methods, and a vector passed to one it does not inline is boxed.)
   */
  static void philox(int first, int count, int i0, long c2In, long c3In, long[] keys,
      double[] buf, int at) {
    final int l = LANES;
    LongVector rows = LongVector.broadcast(LS, i0).addIndex(1);
    LongVector c2Start = LongVector.broadcast(LS, c2In);
    LongVector c3Start = LongVector.broadcast(LS, c3In);
    final long k00 = keys[0], k10 = keys[1];
    final long k01 = keys[2], k11 = keys[3];
    final long k02 = keys[4], k12 = keys[5];
    final long k03 = keys[6], k13 = keys[7];
    final long k04 = keys[8], k14 = keys[9];
    final long k05 = keys[10], k15 = keys[11];
    final long k06 = keys[12], k16 = keys[13];
    final long k07 = keys[14], k17 = keys[15];
    final long k08 = keys[16], k18 = keys[17];
    final long k09 = keys[18], k19 = keys[19];
    for (int b = 0; b < count; b++) {
      LongVector c0 = LongVector.broadcast(LS, (first + b) & MASK);
      LongVector c1 = rows;
      LongVector c2 = c2Start;
      LongVector c3 = c3Start;
      // The ten rounds written out: a vector carried around a loop is boxed by JDK 17's C2.
      LongVector p0 = c0.mul(Philox4x32.M0);
      LongVector p1 = c2.mul(Philox4x32.M1);
      c0 = p1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c1).lanewise(VectorOperators.XOR, k00);
      c1 = p1.lanewise(VectorOperators.AND, MASK);
      c2 = p0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c3).lanewise(VectorOperators.XOR, k10);
      c3 = p0.lanewise(VectorOperators.AND, MASK);
      p0 = c0.mul(Philox4x32.M0);
      p1 = c2.mul(Philox4x32.M1);
      c0 = p1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c1).lanewise(VectorOperators.XOR, k01);
      c1 = p1.lanewise(VectorOperators.AND, MASK);
      c2 = p0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c3).lanewise(VectorOperators.XOR, k11);
      c3 = p0.lanewise(VectorOperators.AND, MASK);
      p0 = c0.mul(Philox4x32.M0);
      p1 = c2.mul(Philox4x32.M1);
      c0 = p1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c1).lanewise(VectorOperators.XOR, k02);
      c1 = p1.lanewise(VectorOperators.AND, MASK);
      c2 = p0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c3).lanewise(VectorOperators.XOR, k12);
      c3 = p0.lanewise(VectorOperators.AND, MASK);
      p0 = c0.mul(Philox4x32.M0);
      p1 = c2.mul(Philox4x32.M1);
      c0 = p1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c1).lanewise(VectorOperators.XOR, k03);
      c1 = p1.lanewise(VectorOperators.AND, MASK);
      c2 = p0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c3).lanewise(VectorOperators.XOR, k13);
      c3 = p0.lanewise(VectorOperators.AND, MASK);
      p0 = c0.mul(Philox4x32.M0);
      p1 = c2.mul(Philox4x32.M1);
      c0 = p1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c1).lanewise(VectorOperators.XOR, k04);
      c1 = p1.lanewise(VectorOperators.AND, MASK);
      c2 = p0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c3).lanewise(VectorOperators.XOR, k14);
      c3 = p0.lanewise(VectorOperators.AND, MASK);
      p0 = c0.mul(Philox4x32.M0);
      p1 = c2.mul(Philox4x32.M1);
      c0 = p1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c1).lanewise(VectorOperators.XOR, k05);
      c1 = p1.lanewise(VectorOperators.AND, MASK);
      c2 = p0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c3).lanewise(VectorOperators.XOR, k15);
      c3 = p0.lanewise(VectorOperators.AND, MASK);
      p0 = c0.mul(Philox4x32.M0);
      p1 = c2.mul(Philox4x32.M1);
      c0 = p1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c1).lanewise(VectorOperators.XOR, k06);
      c1 = p1.lanewise(VectorOperators.AND, MASK);
      c2 = p0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c3).lanewise(VectorOperators.XOR, k16);
      c3 = p0.lanewise(VectorOperators.AND, MASK);
      p0 = c0.mul(Philox4x32.M0);
      p1 = c2.mul(Philox4x32.M1);
      c0 = p1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c1).lanewise(VectorOperators.XOR, k07);
      c1 = p1.lanewise(VectorOperators.AND, MASK);
      c2 = p0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c3).lanewise(VectorOperators.XOR, k17);
      c3 = p0.lanewise(VectorOperators.AND, MASK);
      p0 = c0.mul(Philox4x32.M0);
      p1 = c2.mul(Philox4x32.M1);
      c0 = p1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c1).lanewise(VectorOperators.XOR, k08);
      c1 = p1.lanewise(VectorOperators.AND, MASK);
      c2 = p0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c3).lanewise(VectorOperators.XOR, k18);
      c3 = p0.lanewise(VectorOperators.AND, MASK);
      p0 = c0.mul(Philox4x32.M0);
      p1 = c2.mul(Philox4x32.M1);
      c0 = p1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c1).lanewise(VectorOperators.XOR, k09);
      c1 = p1.lanewise(VectorOperators.AND, MASK);
      c2 = p0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c3).lanewise(VectorOperators.XOR, k19);
      c3 = p0.lanewise(VectorOperators.AND, MASK);
      int o = at + 4 * b * l;
      // u = (x + 0.5)·2^-32 as uniform(x), written out (C2 would not inline a helper here)
      c0.lanewise(VectorOperators.OR, EXP_ONE).reinterpretAsDoubles().sub(TWO52).add(0.5).mul(TWO_M32).intoArray(buf, o);
      c1.lanewise(VectorOperators.OR, EXP_ONE).reinterpretAsDoubles().sub(TWO52).add(0.5).mul(TWO_M32).intoArray(buf, o + l);
      c2.lanewise(VectorOperators.OR, EXP_ONE).reinterpretAsDoubles().sub(TWO52).add(0.5).mul(TWO_M32).intoArray(buf, o + 2 * l);
      c3.lanewise(VectorOperators.OR, EXP_ONE).reinterpretAsDoubles().sub(TWO52).add(0.5).mul(TWO_M32).intoArray(buf, o + 3 * l);
    }
  }

  /** (x + 0.5)·2^-32 for 0 ≤ x &lt; 2^32 (x converts to double exactly), as the scalar code. */
  private static DoubleVector uniform(LongVector x) {
    return x.lanewise(VectorOperators.OR, EXP_ONE).reinterpretAsDoubles().sub(TWO52).add(0.5).mul(TWO_M32);
  }

  private static final double LG1 = 6.666666666666735130e-01, LG2 = 3.999999999940941908e-01,
      LG3 = 2.857142874366239149e-01, LG4 = 2.222219843214978396e-01,
      LG5 = 1.818357216161805012e-01, LG6 = 1.531383769920937332e-01,
      LG7 = 1.479819860511658591e-01;
  private static final double S1 = -1.66666666666666324348e-01, S2 = 8.33333333332248946124e-03,
      S3 = -1.98412698298579493134e-04, S4 = 2.75573137070700676789e-06,
      S5 = -2.50507602534068634195e-08, S6 = 1.58969099521155010221e-10;
  private static final double C1 = 4.16666666666666019037e-02, C2 = -1.38888888888741095749e-03,
      C3 = 2.48015872894767294178e-05, C4 = -2.75573143513906633035e-07,
      C5 = 2.08757232129817482790e-09, C6 = -1.13596475577881948265e-11;

  /**
   * Box–Muller in place on pairs p = 0..pairs−1: (u0, u1) at {@code buf[at + 2p·LANES ..]} and
   * {@code buf[at + (2p+1)·LANES ..]} become g = r cos 2πu1 and r sin 2πu1, r = √(−2 ln u0): the
   * expressions of {@link GaussMath#ln} and {@link GaussMath#polar}, lane by lane, in their order.
   */
  static void gauss(double[] buf, int at, int pairs) {
    final int l = LANES;
    DoubleVector zero = DoubleVector.zero(DS);
    DoubleVector one = DoubleVector.broadcast(DS, 1.0);
    for (int pr = 0; pr < pairs; pr++) {
      int cosAt = at + 2 * pr * l;
      int sinAt = cosAt + l;
      DoubleVector u0 = DoubleVector.fromArray(DS, buf, cosAt);
      DoubleVector u1 = DoubleVector.fromArray(DS, buf, sinAt);
      // ln u0 (GaussMath.ln): k + 1023 = the biased exponent, (2^52 + e) − (2^52 + 1023) = k exactly
      LongVector bits = u0.reinterpretAsLongs();
      DoubleVector dk = bits.lanewise(VectorOperators.LSHR, 52).lanewise(VectorOperators.OR, EXP_ONE)
          .reinterpretAsDoubles().sub(TWO52 + 1023.0);
      DoubleVector m = bits.lanewise(VectorOperators.AND, 0x000FFFFFFFFFFFFFL)
          .lanewise(VectorOperators.OR, 0x3FF0000000000000L).reinterpretAsDoubles();
      VectorMask<Double> big = m.compare(VectorOperators.GT, GaussMath.SQRT2);
      m = m.blend(m.mul(0.5), big);
      dk = dk.blend(dk.add(1.0), big);
      DoubleVector f = m.sub(1.0);
      DoubleVector s = f.div(f.add(2.0));
      DoubleVector z = s.mul(s);
      DoubleVector w = z.mul(z);
      DoubleVector t1 = w.mul(w.mul(w.mul(LG6).add(LG4)).add(LG2));
      DoubleVector t2 = z.mul(w.mul(w.mul(w.mul(LG7).add(LG5)).add(LG3)).add(LG1));
      DoubleVector rr = t2.add(t1);
      DoubleVector hfsq = f.mul(0.5).mul(f);
      DoubleVector ln = dk.mul(GaussMath.LN2_HI)
          .add(f.sub(hfsq.sub(s.mul(hfsq.add(rr)))).add(dk.mul(GaussMath.LN2_LO)));
      DoubleVector r = ln.mul(-2.0).lanewise(VectorOperators.SQRT);
      // quadrant q = ⌊4u + 0.5⌋ ∈ 0..4 as a double, and from it q mod 4's parity and signs
      DoubleVector t = u1.mul(4.0).add(0.5);
      VectorMask<Double> m1 = t.compare(VectorOperators.GE, 1.0);
      VectorMask<Double> m2 = t.compare(VectorOperators.GE, 2.0);
      VectorMask<Double> m3 = t.compare(VectorOperators.GE, 3.0);
      VectorMask<Double> m4 = t.compare(VectorOperators.GE, 4.0);
      DoubleVector q = zero.blend(1.0, m1).blend(2.0, m2).blend(3.0, m3).blend(4.0, m4);
      DoubleVector odd = zero.blend(1.0, m1).blend(0.0, m2).blend(1.0, m3).blend(0.0, m4);
      DoubleVector even = one.sub(odd);
      DoubleVector cosSign = one.blend(-1.0, m1).blend(1.0, m3);
      DoubleVector sinSign = one.blend(-1.0, m2).blend(1.0, m4);
      DoubleVector p = u1.mul(4.0).sub(q).mul(GaussMath.HALF_PI);
      DoubleVector zp = p.mul(p);
      // sinPoly
      DoubleVector v = zp.mul(p);
      DoubleVector rs = zp.mul(zp.mul(zp.mul(zp.mul(S6).add(S5)).add(S4)).add(S3)).add(S2);
      DoubleVector sp = p.add(v.mul(zp.mul(rs).add(S1)));
      // cosPoly
      DoubleVector rc = zp.mul(zp.mul(zp.mul(zp.mul(zp.mul(zp.mul(C6).add(C5)).add(C4)).add(C3))
          .add(C2)).add(C1));
      DoubleVector cp = one.sub(zp.mul(0.5).sub(zp.mul(rc)));
      DoubleVector sinBase = even.mul(sp).add(odd.mul(cp));
      DoubleVector cosBase = even.mul(cp).add(odd.mul(sp));
      r.mul(cosSign.mul(cosBase)).intoArray(buf, cosAt);
      r.mul(sinSign.mul(sinBase)).intoArray(buf, sinAt);
    }
  }
}
