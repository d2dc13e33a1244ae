package org.rgflow.opencl;

import org.rgflow.act.Activation;

/** Small local activations for the OpenCL tests (the registry lives in org.rgflow.act). */
final class ClActs {
  private ClActs() {}

  static final Activation LINEAR = new Activation() {
    @Override public String name() { return "linear"; }
    @Override public double value(double z) { return z; }
    @Override public double d1(double z) { return 1; }
    @Override public double d2(double z) { return 0; }
    @Override public double taylor(int p) { return p == 1 ? 1 : 0; }
    @Override public double[] scaleInvariantSlopes() { return new double[] {1, 1}; }
  };

  static final Activation RELU = new Activation() {
    @Override public String name() { return "relu"; }
    @Override public double value(double z) { return z > 0 ? z : 0; }
    @Override public double d1(double z) { return z > 0 ? 1 : 0; }
    @Override public double d2(double z) { return 0; }
    @Override public double[] kinks() { return new double[] {0}; }
    @Override public double taylor(int p) { return p == 0 ? 0 : Double.NaN; }
    @Override public double[] scaleInvariantSlopes() { return new double[] {1, 0}; }
  };

  static final Activation TANH = new Activation() {
    @Override public String name() { return "tanh"; }
    @Override public double value(double z) { return Math.tanh(z); }
    @Override public double d1(double z) { double t = Math.tanh(z); return 1 - t * t; }
    @Override public double d2(double z) { double t = Math.tanh(z); return -2 * t * (1 - t * t); }
    @Override public double taylor(int p) { return p == 1 ? 1 : p == 3 ? -2 : 0; }
  };

  static double logistic(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  static final Activation SWISH = new Activation() {
    @Override public String name() { return "swish"; }
    @Override public double value(double z) { return z * logistic(z); }
    @Override public double d1(double z) { double l = logistic(z); return l + z * l * (1 - l); }
    @Override public double d2(double z) { return Double.NaN; }
    @Override public double taylor(int p) { return Double.NaN; }
  };
}
