/**
 * The command line: {@code rgflow theory | sample | criticality} (picocli).
 *
 * <p>{@link org.rgflow.cli.Main} parses flags into a {@link org.rgflow.spec.NetworkSpec},
 * {@link org.rgflow.spec.Inputs} and {@link org.rgflow.ensemble.RunSettings}, calls the engines
 * through the one adapter {@link org.rgflow.cli.Engines} (activation registry, theory, ensemble
 * backends, criticality analysis) and writes an {@link org.rgflow.io.Report} as a table or JSON.
 * Exit codes: 0 success, 2 bad input (one line {@code error: <field>: <message>}), 3 a diverging
 * network, 1 anything else (stack trace only with {@code --debug}).
 *
 * <p>Tests: {@code mvn -B test -Dtest='org.rgflow.cli.*Test'}; they run in-process with fake engines.
 */
package org.rgflow.cli;
