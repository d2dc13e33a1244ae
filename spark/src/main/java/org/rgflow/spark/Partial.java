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
      return new Partial(first, count, blocks, dn, dl, device.isEmpty() ? null : device,
          backend.isEmpty() ? null : backend, notes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The empty running total: no networks, no accumulators yet. */
  public static Partial empty() {
    return new Partial(0, 0, List.of(), -1, 0, null, null, List.of());
  }

  /**
   * This running total (networks [0, first + count) merged into one accumulator per layer) with the
   * next range's partial merged in, block by block in block order: the operations the single-machine
   * reducer performs, from the same starting state, so the total has the same bits. A divergence
   * stops the fold: the first one (the lowest network, ranges being in network order) is kept. The
   * device and notes are the first non-empty range's.
   */
  public Partial then(Partial next) {
    if (divergedNetwork >= 0) {
      return this;
    }
    String dev = device;
    String be = backend;
    List<String> ns = notes;
    if (dev == null && be == null && next.count > 0) {
      dev = next.device;
      be = next.backend;
      ns = next.notes;
    }
    if (next.divergedNetwork >= 0) {
      return new Partial(first, count, blocks, next.divergedNetwork, next.divergedLayer, dev, be, ns);
    }
    MomentAccumulator[] total = null;
    if (!blocks.isEmpty()) {
      total = blocks.get(0);
    } else if (!next.blocks.isEmpty()) {
      int layers = next.blocks.get(0).length;
      total = new MomentAccumulator[layers];
      for (int l = 0; l < layers; l++) {
        total[l] = new MomentAccumulator(next.blocks.get(0)[l].dim());
      }
    }
    for (MomentAccumulator[] b : next.blocks) {
      for (int l = 0; l < b.length; l++) {
        total[l].merge(b[l]);
      }
    }
    List<MomentAccumulator[]> out = total == null ? List.of() : List.<MomentAccumulator[]>of(total);
    return new Partial(0, count + next.count, out, -1, 0, dev, be, ns);
  }
}
