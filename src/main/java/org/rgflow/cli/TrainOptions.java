package org.rgflow.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.rgflow.app.TrainRun;
import picocli.CommandLine.Option;

/** The flags of {@code rgflow train}, as text; {@link TrainRun#options} parses and checks them. */
final class TrainOptions {
  @Option(names = "--act", paramLabel = "NAME", defaultValue = TrainRun.ACT,
      description = "Activation σ (default: ${DEFAULT-VALUE}).")
  String act;

  @Option(names = "--cb", paramLabel = "LIST", defaultValue = TrainRun.CB,
      description = "Bias variance C_b: one value or one per layer (default: ${DEFAULT-VALUE}).")
  String cb;

  @Option(names = "--cw", paramLabel = "LIST", defaultValue = TrainRun.CW,
      description = "Weight variance C_W: one value or one per layer (default: ${DEFAULT-VALUE}).")
  String cw;

  @Option(names = "--width", paramLabel = "LIST", defaultValue = TrainRun.WIDTH,
      description = "Hidden width n: one value or one per hidden layer (default: ${DEFAULT-VALUE}).")
  String width;

  @Option(names = "--depth", paramLabel = "L", defaultValue = TrainRun.DEPTH,
      description = "Depth L including the output layer (n_L = 1); 2 = one hidden layer (default: ${DEFAULT-VALUE}).")
  String depth;

  @Option(names = "--lambda-b", paramLabel = "LIST", defaultValue = TrainRun.LAMBDA,
      description = "Bias learning rate λ_b: one value or one per layer (default: ${DEFAULT-VALUE}).")
  String lambdaB;

  @Option(names = "--lambda-w", paramLabel = "LIST", defaultValue = TrainRun.LAMBDA,
      description = "Weight learning rate λ_W, applied as λ_W/n_{ℓ-1} (default: ${DEFAULT-VALUE}).")
  String lambdaW;

  @Option(names = "--ensemble", paramLabel = "E", defaultValue = TrainRun.ENSEMBLE,
      description = "Number of networks E (default: ${DEFAULT-VALUE}).")
  String ensemble;

  @Option(names = "--seed", paramLabel = "S", defaultValue = TrainRun.SEED,
      description = "Seed; network e's initial parameters depend only on (seed, e) (default: ${DEFAULT-VALUE}).")
  String seed;

  @Option(names = "--backend", paramLabel = "NAME", defaultValue = TrainRun.BACKEND,
      description = "Trainer: cpu (the reference), cuda (kernels/train.cu, fp64; needs a CUDA"
          + " driver and device) or opencl (fp64, one work-item per network) (default: ${DEFAULT-VALUE}).")
  String backend;

  @Option(names = "--progress", negatable = true,
      description = "Progress bar on stderr (default: only when stderr is a terminal).")
  Boolean progress;

  @Option(names = "--threads", paramLabel = "T",
      description = "Worker threads (default: available processors). Never changes results.")
  String threads;

  @Option(names = "--eta", paramLabel = "ETA|auto", defaultValue = TrainRun.ETA,
      description = "Global step η; auto = 1/θ_max of the infinite-width train NTK (default: ${DEFAULT-VALUE}).")
  String eta;

  @Option(names = "--steps", paramLabel = "T", defaultValue = TrainRun.STEPS,
      description = "GD steps (with --tol: the most steps) (default: ${DEFAULT-VALUE}).")
  String steps;

  @Option(names = "--tol", paramLabel = "X", defaultValue = TrainRun.TOL,
      description = "Stop each network once its loss ½Σ(z−y)² ≤ X and compare with the converged"
          + " prediction; 0 = exactly --steps steps (default: ${DEFAULT-VALUE}).")
  String tol;

  @Option(names = "--data", paramLabel = "builtin|FILE", defaultValue = TrainRun.DATA,
      description = "Training data: builtin (points on a circle, y = sin φ + ½cos 2φ) or a CSV file with rows"
          + " x_1..x_n0,y (default: ${DEFAULT-VALUE}).")
  String data;

  @Option(names = "--test", paramLabel = "FILE",
      description = "Test inputs (CSV rows x_1..x_n0); required with a --data file.")
  String test;

  @Option(names = "--n0", paramLabel = "N", defaultValue = TrainRun.N0,
      description = "Input dimension of the built-in task (default: ${DEFAULT-VALUE}).")
  String n0;

  @Option(names = "--train-points", paramLabel = "N", defaultValue = TrainRun.TRAIN_POINTS,
      description = "Training points of the built-in task (default: ${DEFAULT-VALUE}).")
  String trainPoints;

  @Option(names = "--widths", paramLabel = "LIST",
      description = "Width scan: train the same task at each hidden width (all hidden layers equal) and fit"
          + " the departure from the kernel prediction as A·n^p per test point (p = -1: shrinks as 1/n)."
          + " Replaces --width.")
  String widths;

  @Option(names = "--checkpoints", paramLabel = "auto|none|LIST", defaultValue = TrainRun.CHECKPOINTS,
      description = "Steps after which the test outputs are recorded (trajectory: mean and variance vs step"
          + " beside the NTK prediction at that step); auto = 0,1,2,5,10,20,50,… and the last step"
          + " (default: ${DEFAULT-VALUE}).")
  String checkpoints;

  @Option(names = "--evidence-scan",
      description = "Also compute the NNGP log evidence of the training data for C_W = 0.25 … 3 (every layer;"
          + " JSON key evidence_vs_cw); on with --report.")
  boolean evidenceScan;

  @Option(names = "--report", paramLabel = "DIR",
      description = "Also write an HTML report with figures (prediction vs measurement with error bars,"
          + " vs training step and width) and the JSON record to DIR.")
  String report;

  @Option(names = "--noise", paramLabel = "S2", defaultValue = TrainRun.NOISE,
      description = "Observation noise σ_ε² of the NNGP posterior and evidence (default: ${DEFAULT-VALUE}).")
  String noise;

  /** The given values by flag name without dashes (absent ones left out). */
  Map<String, String> flags() {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("act", act);
    f.put("cb", cb);
    f.put("cw", cw);
    f.put("width", width);
    f.put("depth", depth);
    f.put("lambda-b", lambdaB);
    f.put("lambda-w", lambdaW);
    f.put("ensemble", ensemble);
    f.put("seed", seed);
    f.put("threads", threads);
    f.put("eta", eta);
    f.put("steps", steps);
    f.put("tol", tol);
    f.put("data", data);
    f.put("test", test);
    f.put("n0", n0);
    f.put("train-points", trainPoints);
    f.put("widths", widths);
    f.put("checkpoints", checkpoints);
    f.put("noise", noise);
    f.put("backend", backend);
    f.values().removeIf(v -> v == null);
    return f;
  }
}
