package org.rgflow.theory;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Identical inputs in the full multi-input tensors (P, Q of {@link DntkTheory}; A, B, D, F of {@link
 * NtkFluctuations}): inputs with equal layer-1 K and Θ rows are one input, so the network's value on
 * them is the same at every layer. A component T_{α0α1α2α3} is taken from the problem on exactly its
 * distinct inputs after merging (docs/THEORY.md §16, §19): (x, x, y) gives the pair (x, y)'s values,
 * (x, x) the single-input ones, and no 3- or 4-input problem with a singular kernel is ever solved.
 */
final class DistinctInputs {
  private DistinctInputs() {}

  /**
   * The problem on the distinct inputs idx (ascending, m = idx.length ≥ 1): t[o][ℓ−1][i0][i1][i2][i3]
   * for each tensor o, i indexing idx.
   */
  interface Solver {
    double[][][][][][] solve(int[] idx);
  }

  /**
   * rep[a] = the first input b ≤ a with the same layer-1 K and Θ entries as a (K_aa = K_bb = K_ab and
   * likewise Θ, to 1e-13 relative): the same input, so the same network value at every layer.
   */
  static int[] representatives(TheoryLayer first) {
    double[][] k = first.kernel();
    double[][] th = first.theta();
    int nd = k.length;
    int[] rep = new int[nd];
    for (int a = 0; a < nd; a++) {
      rep[a] = a;
      for (int b = 0; b < a; b++) {
        if (rep[b] == b && same(k, a, b) && (th == null || same(th, a, b))) {
          rep[a] = b;
          break;
        }
      }
    }
    return rep;
  }

  private static boolean same(double[][] k, int a, int b) {
    double tol = 1e-13 * Math.max(Math.abs(k[a][a]), Math.abs(k[b][b]));
    return Math.abs(k[a][a] - k[b][b]) <= tol && Math.abs(k[a][a] - k[a][b]) <= tol
        && Math.abs(k[b][b] - k[a][b]) <= tol;
  }

  /**
   * Fills out[o][ℓ−1][c0][c1][c2][c3] for every component c over the rep.length inputs and every
   * layer from solver on the ascending distinct representatives of c, each set solved once.
   */
  static void fill(int[] rep, double[][][][][][] out, Solver solver) {
    int nd = rep.length;
    int depth = out[0].length;
    Map<Integer, double[][][][][][]> solved = new HashMap<>();
    int n4 = nd * nd * nd * nd;
    for (int f = 0; f < n4; f++) {
      int[] c = {f / (nd * nd * nd), f / (nd * nd) % nd, f / nd % nd, f % nd};
      int mask = 0;
      for (int x : c) {
        mask |= 1 << rep[x];
      }
      int[] idx = new int[Integer.bitCount(mask)];
      for (int i = 0, j = 0; i < nd; i++) {
        if ((mask >> i & 1) != 0) {
          idx[j++] = i;
        }
      }
      int[] lc = new int[4];
      for (int i = 0; i < 4; i++) {
        lc[i] = Arrays.binarySearch(idx, rep[c[i]]);
      }
      double[][][][][][] t = solved.computeIfAbsent(mask, k -> solver.solve(idx));
      for (int o = 0; o < out.length; o++) {
        for (int l = 0; l < depth; l++) {
          out[o][l][c[0]][c[1]][c[2]][c[3]] = t[o][l][lc[0]][lc[1]][lc[2]][lc[3]];
        }
      }
    }
  }
}
