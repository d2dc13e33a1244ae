/**
 * {@code rgflow report DIR}: a self-contained HTML page (figures embedded as PNG data URIs, no
 * scripts) that puts a sweep's measurements with error bars beside the theory; and the same kind of
 * page for an {@code rgflow train} run or width scan, from its JSON record alone.
 *
 * <ul>
 *   <li>{@link org.rgflow.report.ReportData}: the finished points of a sweep directory, parsed.
 *   <li>{@link org.rgflow.report.Charts}: XChart helpers (headless PNG).
 *   <li>{@link org.rgflow.report.PhaseDiagram}: χ∥ and χ⊥ on a (C_b, C_W) grid and their contours.
 *   <li>{@link org.rgflow.report.HtmlReport}: chooses the figures the data allow and writes the page.
 *   <li>{@link org.rgflow.report.HtmlPage}: the page code both reports share (style, embedded figures,
 *       figure files, escaping).
 *   <li>{@link org.rgflow.report.TrainData}: a {@code train} JSON record (one run or a width scan), read.
 *   <li>{@link org.rgflow.report.TrainReport}: the train report (trained mean and variance against the
 *       NTK and NNGP, the training trajectory, departure and NTK change against width).
 * </ul>
 */
package org.rgflow.report;
