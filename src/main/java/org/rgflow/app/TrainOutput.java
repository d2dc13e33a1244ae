package org.rgflow.app;

/** What {@link TrainRun} returns: one trained ensemble, or a width scan of them. */
public sealed interface TrainOutput permits TrainRecord, TrainScan {
  /** The rgflow version that made the record. */
  String version();
}
