package org.rgflow.stats;

/**
 * The unordered input pairs p = (α ≤ β) of N_D inputs, P = N_D(N_D+1)/2 of them, numbered row by row
 * ((0,0), (0,1), …, (0,N_D−1), (1,1), …), and the upper triangle of pairs of pairs (p ≤ q) numbered
 * the same way. Immutable; one per input count.
 */
public final class Pairs {
  private static final Pairs[] CACHE = new Pairs[64];

  final int nd;
  final int pairs;
  final int[] pa;
  final int[] pb;
  final int[][] index;

  private Pairs(int nd) {
    this.nd = nd;
    this.pairs = nd * (nd + 1) / 2;
    pa = new int[pairs];
    pb = new int[pairs];
    index = new int[nd][nd];
    int p = 0;
    for (int a = 0; a < nd; a++) {
      for (int b = a; b < nd; b++) {
        pa[p] = a;
        pb[p] = b;
        index[a][b] = p;
        index[b][a] = p;
        p++;
      }
    }
  }

  /** The pairs of {@code nd} inputs. */
  public static Pairs of(int nd) {
    if (nd < 1) {
      throw new IllegalArgumentException("at least one input, got " + nd);
    }
    if (nd >= CACHE.length) {
      return new Pairs(nd);
    }
    synchronized (CACHE) {
      if (CACHE[nd] == null) {
        CACHE[nd] = new Pairs(nd);
      }
      return CACHE[nd];
    }
  }

  /** N_D. */
  public int inputs() {
    return nd;
  }

  /** P = N_D(N_D+1)/2. */
  public int count() {
    return pairs;
  }

  /** The pair (α, β) (symmetric). */
  public int pair(int a, int b) {
    return index[a][b];
  }

  /** P(P+1)/2, the pairs of pairs p ≤ q. */
  public int pairsOfPairs() {
    return pairs * (pairs + 1) / 2;
  }

  /** Position of the pair of pairs (p, q) (symmetric) in the row-major upper triangle. */
  public int pairOfPairs(int p, int q) {
    int lo = Math.min(p, q);
    int hi = Math.max(p, q);
    // row lo holds pairs − lo entries
    return lo * pairs - lo * (lo - 1) / 2 + (hi - lo);
  }
}
