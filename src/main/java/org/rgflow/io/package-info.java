/**
 * Reading inputs and writing results: the {@code --inputs} grammar and CSV reader
 * ({@link org.rgflow.io.InputsParser}), the step that puts theory beside measurement
 * ({@link org.rgflow.io.Combine}), and the two output formats of one result model — the JSON
 * contract ({@link org.rgflow.io.JsonReport}, documented in README.md) and aligned text tables
 * ({@link org.rgflow.io.TableReport}).
 *
 * <p>Tests: {@code mvn -B test -Dtest='org.rgflow.io.*Test'}.
 */
package org.rgflow.io;
