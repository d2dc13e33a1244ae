/**
 * Sweeps: many independent {@code rgflow sample} runs described by one file, run with resume and
 * provenance, and collected into tidy CSV and JSON Lines.
 *
 * <ul>
 *   <li>{@link org.rgflow.sweep.SweepPlan}: a sweep file (YAML or JSON) or command-line axes expanded
 *       into points; each {@link org.rgflow.sweep.SweepPoint} is the flag set of one {@code sample}
 *       run, named by a stable hash of its flags (defaults filled in, so the hash is the full spec
 *       and seed).
 *   <li>{@link org.rgflow.sweep.PointStore}: the output directory. One JSON file per finished point,
 *       written to a temporary file and renamed atomically, so {@code kill -9} leaves at most a
 *       temporary file and {@code --resume} redoes nothing finished.
 *   <li>{@link org.rgflow.sweep.SweepRunner}: one worker per device lane, failures recorded and the
 *       sweep goes on; {@link org.rgflow.sweep.Results}: {@code results.csv} and
 *       {@code results.jsonl}, regenerated from the point files.
 * </ul>
 * A point's record holds exactly the JSON object that {@code rgflow sample --json} prints (under
 * {@code result}), plus its provenance.
 */
package org.rgflow.sweep;
