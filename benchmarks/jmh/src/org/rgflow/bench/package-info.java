/**
 * JMH benchmarks of the ensemble backends (not part of the main build; see benchmarks/run-jmh.sh).
 * Correctness is checked in each benchmark's setup, never inside the timed code.
 */
package org.rgflow.bench;
