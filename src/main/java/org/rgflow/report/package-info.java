/**
 * {@code rgflow report DIR}: a self-contained HTML page (figures embedded as PNG data URIs, no
 * scripts) that puts a sweep's measurements with error bars beside the theory.
 *
 * <ul>
 *   <li>{@link org.rgflow.report.ReportData}: the finished points of a sweep directory, parsed.
 *   <li>{@link org.rgflow.report.Charts}: XChart helpers (headless PNG).
 *   <li>{@link org.rgflow.report.PhaseDiagram}: χ∥ and χ⊥ on a (C_b, C_W) grid and their contours.
 *   <li>{@link org.rgflow.report.HtmlReport}: chooses the figures the data allow and writes the page.
 * </ul>
 */
package org.rgflow.report;
