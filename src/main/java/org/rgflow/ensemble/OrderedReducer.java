package org.rgflow.ensemble;

import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.rgflow.stats.MomentAccumulator;

/**
 * Order-fixing reduction of per-network statistic vectors: networks [b·B, (b+1)·B) form block b;
 * the thread that deposits a block's last network accumulates the block in index order, and blocks
 * are merged into the total strictly in block order. The result therefore depends only on E and the
 * vectors, never on which thread computed what or when. Memory: the networks and blocks that are
 * waiting, bounded by about threads × chunk networks. Thread-safe; device backends that produce the
 * same per-network vectors can reuse it to get bit-identical accumulators.
 */
public final class OrderedReducer {
  /** Networks per reduction block (a constant of the reference, not a tuning knob). */
  public static final int BLOCK = 64;

  private final int layers;
  private final int dim;
  private final long total;
  private final ConcurrentHashMap<Long, double[][]> waiting = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Long, AtomicInteger> filled = new ConcurrentHashMap<>();
  private final TreeMap<Long, MomentAccumulator[]> blocks = new TreeMap<>();
  private final MomentAccumulator[] result;
  private long nextBlock;

  /**
   * @param layers number of layers L (one accumulator each)
   * @param dim length of each layer's statistic vector ({@link org.rgflow.stats.StatSet#dim()})
   * @param total ensemble size E; every network 0..E−1 must be deposited exactly once
   */
  public OrderedReducer(int layers, int dim, long total) {
    this.layers = layers;
    this.dim = dim;
    this.total = total;
    result = newAccumulators();
  }

  private MomentAccumulator[] newAccumulators() {
    MomentAccumulator[] a = new MomentAccumulator[layers];
    for (int l = 0; l < layers; l++) {
      a[l] = new MomentAccumulator(dim);
    }
    return a;
  }

  /** Hands over network e's statistic vectors x[ℓ−1] (ownership passes to the reducer). */
  public void deposit(long e, double[][] x) {
    long b = e / BLOCK;
    long first = b * BLOCK;
    int size = (int) Math.min(BLOCK, total - first);
    waiting.put(e, x);
    int c = filled.computeIfAbsent(b, k -> new AtomicInteger()).incrementAndGet();
    if (c < size) {
      return;
    }
    filled.remove(b);
    MomentAccumulator[] acc = newAccumulators();
    for (long i = first; i < first + size; i++) {
      double[][] xi = waiting.remove(i);
      for (int l = 0; l < layers; l++) {
        acc[l].add(xi[l]);
      }
    }
    synchronized (this) {
      blocks.put(b, acc);
      while (!blocks.isEmpty() && blocks.firstKey() == nextBlock) {
        MomentAccumulator[] next = blocks.pollFirstEntry().getValue();
        for (int l = 0; l < layers; l++) {
          result[l].merge(next[l]);
        }
        nextBlock++;
      }
    }
  }

  /** The merged accumulators (call after every network was deposited). */
  public synchronized MomentAccumulator[] result() {
    if (result[0].count() != total) {
      throw new IllegalStateException("reduced " + result[0].count() + " of " + total + " networks");
    }
    return result;
  }
}
