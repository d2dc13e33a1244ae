/**
 * Trained ensembles (issue 7): the distribution of networks after full-batch gradient descent,
 * measured ({@link org.rgflow.train.CpuTrainer}) and predicted at infinite width
 * ({@link org.rgflow.train.KernelPredictions}: the NTK-trained ensemble at step t and at convergence,
 * the NNGP Bayesian posterior and its evidence; docs/THEORY.md §8). docs/TRAINING.md describes the
 * conventions; the CLI is {@code rgflow train}.
 */
package org.rgflow.train;
