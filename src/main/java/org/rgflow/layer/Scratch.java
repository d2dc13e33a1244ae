package org.rgflow.layer;

/** One worker's buffers for the layers' sampler steps, sized for the widest layer; not shared. */
public final class Scratch {
  /** Rows of W regenerated at a time by a backward step. */
  public static final int TILE = 16;

  final double[] row;
  final double[] bias;
  final double[][] tile;
  final int[] tileRows;
  /** The forward step's SIMD buffers ({@link Weights#rowDots}), sized on first use. */
  double[] simdBuf;
  double[] simdDots;

  public Scratch(int maxWidth, boolean backward) {
    row = new double[maxWidth];
    bias = new double[maxWidth];
    tile = backward ? new double[TILE][maxWidth] : null;
    tileRows = backward ? new int[TILE] : null;
  }
}
