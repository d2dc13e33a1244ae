/**
 * Layer types, each carrying both worlds side by side ({@link org.rgflow.layer.Layer}): its
 * parameters, its reference forward/backward step for the direct CPU sampler, and its step of the
 * theory's recursions, with the Gaussian averages those steps read ({@link
 * org.rgflow.layer.Averages}) and the state they carry ({@link org.rgflow.layer.KernelState}).
 * Today's type is {@link org.rgflow.layer.Dense}.
 */
package org.rgflow.layer;
