package org.rgflow.spark;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.rgflow.stats.MomentAccumulator;

/**
 * What one task sends back: for each reduction block of its range, in block order, the block's
 * per-layer accumulators (count, mean, co-moments, as raw bits); or the lowest network that diverged;
 * and what its source said (device, notes). Never the samples.
 *
 * @param first the range's first network
 * @param count the range's networks
 * @param blocks per block, one accumulator per layer (blocks.get(b)[ℓ−1])
 * @param divergedNetwork the lowest diverged network of the range, or −1
 * @param divergedLayer its layer (when divergedNetwork ≥ 0)
 * @param device the source's device name
 * @param backend the device kind the task ran on ("cpu", "cuda", …)
 * @param notes the source's notes
 */
public record Partial(long first, long count, List<MomentAccumulator[]> blocks, long divergedNetwork,
    int divergedLayer, String device, String backend, List<String> notes) {
  private static final int MAGIC = 0x52475031; // "RGP1"

  /** The bytes of this partial. */
  public byte[] encode() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(MAGIC);
      out.writeLong(first);
      out.writeLong(count);
      out.writeLong(divergedNetwork);
      out.writeInt(divergedLayer);
      out.writeUTF(device == null ? "" : device);
      out.writeUTF(backend == null ? "" : backend);
      out.writeInt(notes.size());
      for (String n : notes) {
        out.writeUTF(n);
      }
      out.writeInt(blocks.size());
      out.writeInt(blocks.isEmpty() ? 0 : blocks.get(0).length);
      for (MomentAccumulator[] b : blocks) {
        for (MomentAccumulator a : b) {
          a.writeTo(out);
        }
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The partial {@link #encode} wrote. */
  public static Partial decode(byte[] data) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
      if (in.readInt() != MAGIC) {
        throw new IllegalArgumentException("not an rgflow partial");
      }
      long first = in.readLong();
      long count = in.readLong();
      long dn = in.readLong();
      int dl = in.readInt();
      String device = in.readUTF();
      String backend = in.readUTF();
      int nn = in.readInt();
      List<String> notes = new ArrayList<>();
      for (int i = 0; i < nn; i++) {
        notes.add(in.readUTF());
      }
      int nb = in.readInt();
      int layers = in.readInt();
      List<MomentAccumulator[]> blocks = new ArrayList<>();
      for (int b = 0; b < nb; b++) {
        MomentAccumulator[] acc = new MomentAccumulator[layers];
        for (int l = 0; l < layers; l++) {
          acc[l] = MomentAccumulator.readFrom(in);
        }
        blocks.add(acc);
      }
      return new Partial(first, count, blocks, dn, dl, device.isEmpty() ? null : device, backend, notes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
