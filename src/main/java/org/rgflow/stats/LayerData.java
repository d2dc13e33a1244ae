package org.rgflow.stats;

/**
 * What a network source hands over for one layer of one network: the width, the layer's power sums
 * (from all its pre-activations, or as a device reduced them) and, with the NTK, the Θ̂ block of the
 * first m neurons with their pre-activations. A source fills one instance per thread and reuses it;
 * blocks read it during {@link StatBlock#compute} only.
 */
public final class LayerData {
  private final Pairs pairs;
  private final PowerSums sums;
  private int n;
  private double[][] zHead;
  private double[][] theta;
  private int m;
  private double[] dntk;

  public LayerData(int nd) {
    this.pairs = Pairs.of(nd);
    this.sums = new PowerSums(pairs);
  }

  /**
   * A layer given by all its pre-activations.
   *
   * @param z z[α][i], i &lt; n (rows may be longer)
   * @param n width n_ℓ
   * @param theta Θ̂ block [i·N_D+α][k·N_D+β] over the first m neurons, or null without NTK
   * @param m measured neurons
   * @param needs what the blocks of the run need (odd sums are formed only when asked for)
   */
  public LayerData fromZ(double[][] z, int n, double[][] theta, int m, java.util.Set<Need> needs) {
    this.n = n;
    this.zHead = z;
    this.theta = theta;
    this.m = m;
    this.dntk = null;
    sums.fromZ(z, n, needs.contains(Need.ODD_SUMS));
    return this;
  }

  /**
   * A layer given by a device's power sums.
   *
   * @param sums the device's sums, this layer's at {@code off} in the {@link PowerSums} layout
   * @param withOdd whether the device reduced the odd sums
   * @param zHead z[α][i] for i &lt; m (at least), or null without NTK
   */
  public LayerData fromSums(double[] sums, int off, boolean withOdd, int n, double[][] theta,
      double[][] zHead, int m) {
    this.n = n;
    this.zHead = zHead;
    this.theta = theta;
    this.m = m;
    this.dntk = null;
    this.sums.fromDevice(sums, off, withOdd);
    return this;
  }

  public Pairs pairs() {
    return pairs;
  }

  public int inputs() {
    return pairs.nd;
  }

  /** Width n_ℓ. */
  public int width() {
    return n;
  }

  public PowerSums sums() {
    return sums;
  }

  /** Pre-activations of (at least) the measured neurons, z[α][i]; null without NTK on devices. */
  public double[][] zHead() {
    return zHead;
  }

  /** Θ̂ over the measured neurons, [i·N_D+α][k·N_D+β]; null without NTK. */
  public double[][] theta() {
    return theta;
  }

  /**
   * Sets this layer's dNTK statistics (after {@code fromZ}); layout as {@link DntkBlock} reads it.
   */
  public LayerData withDntk(double[] stats) {
    this.dntk = stats;
    return this;
  }

  /** The dNTK statistics, or null when the source computed none. */
  public double[] dntk() {
    return dntk;
  }

  /** Number of measured NTK neurons m_ℓ. */
  public int measured() {
    return m;
  }
}
