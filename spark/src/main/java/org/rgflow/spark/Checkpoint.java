package org.rgflow.spark;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.rgflow.spec.SpecException;
import org.rgflow.sweep.PointStore;

/**
 * The split-ensemble job's checkpoint ({@code --checkpoint DIR}): the running total after the
 * ranges [0, next), with the fingerprint of the run it belongs to, in {@code DIR/ensemble.ckpt},
 * replaced atomically after every wave. A new run of the same job (same flags, sampler, device,
 * blocks, tasks and E) resumes at range {@code next}; the fold then continues from the very state
 * it had, so the numbers are those of an uninterrupted run.
 */
final class Checkpoint {
  static final String FILE = "ensemble.ckpt";
  private static final int MAGIC = 0x52474331; // "RGC1"

  private Checkpoint() {}

  /** Where a run starts: the first range to sample and the total of those before it. */
  record State(int next, Partial total) {}

  static State read(Path dir, String fingerprint) {
    Path f = dir.resolve(FILE);
    if (!Files.isRegularFile(f)) {
      return new State(0, Partial.empty());
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(Files.readAllBytes(f)))) {
      if (in.readInt() != MAGIC) {
        throw new SpecException("--checkpoint", f + " is not an rgflow checkpoint");
      }
      String fp = in.readUTF();
      if (!fp.equals(fingerprint)) {
        throw new SpecException("--checkpoint", f + " belongs to another run (" + fp + "; this run: "
            + fingerprint + "); choose another directory");
      }
      int next = in.readInt();
      byte[] total = new byte[in.readInt()];
      in.readFully(total);
      return new State(next, Partial.decode(total));
    } catch (IOException e) {
      throw new SpecException("--checkpoint", f + " is damaged (" + e.getMessage() + "); remove it"
          + " to start the run again");
    }
  }

  static void write(Path dir, String fingerprint, int next, Partial total) {
    try {
      Files.createDirectories(dir);
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(b);
      out.writeInt(MAGIC);
      out.writeUTF(fingerprint);
      out.writeInt(next);
      byte[] t = total.encode();
      out.writeInt(t.length);
      out.write(t);
      out.flush();
      PointStore.writeAtomically(dir.resolve(FILE), b.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
