package org.rgflow.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.SpecException;

/** The {@code --inputs} grammar and CSV reader. Run: {@code mvn -B test -Dtest=InputsParserTest}. */
class InputsParserTest {
  /** The Gram matrix is rebuilt from a Cholesky factor: exact up to a few ulps. */
  private static final double EPS = 1e-12;

  @Test
  void normsAndAnglesGiveTheGramMatrix() {
    Inputs in = InputsParser.fromSpec("norms=1,2,0.5; angles=0.1,0.2,0.3", 6);
    double[] q = {1, 2, 0.5};
    double[][] ang = {{0, 0.1, 0.2}, {0.1, 0, 0.3}, {0.2, 0.3, 0}};
    double[][] g = in.gram();
    assertEquals(6, in.dim());
    for (int a = 0; a < 3; a++) {
      for (int b = 0; b < 3; b++) {
        assertEquals(q[a] * q[b] * Math.cos(ang[a][b]), g[a][b], EPS, "gram[" + a + "][" + b + "]");
      }
    }
  }

  @Test
  void oneAngleServesEveryPairAndTheDefaultIsOneUnitInput() {
    double[][] g = InputsParser.fromSpec("norms=1,1,1;angles=0.4", 8).gram();
    assertEquals(Math.cos(0.4), g[1][2], EPS);
    InputsParser.Parsed p = InputsParser.parse("norms=1", null, 8);
    assertEquals(1, p.inputs().count());
    assertEquals(8, p.inputs().dim());
    assertEquals(1.0, p.inputs().gram()[0][0], EPS);
    assertEquals("spec", p.kind());
  }

  @Test
  void csvWithCommentsAndBlankLines(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("x.csv");
    Files.writeString(f, "# x\n1, 2 ,3\n\n  -4,5e-1,6\n");
    InputsParser.Parsed p = InputsParser.parse(f.toString(), null, 8);
    assertEquals("csv", p.kind());
    assertEquals(2, p.inputs().count());
    assertEquals(3, p.inputs().dim());
    assertEquals(0.5, p.inputs().get(1, 1), 0);
    assertEquals((1 + 4 + 9) / 3.0, p.inputs().gram()[0][0], EPS);
  }

  @Test
  void errorsNameFieldAndLine(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("bad.csv");
    Files.writeString(f, "1,2\n\n3,4\n5,nan\n");
    SpecException e = assertThrows(SpecException.class, () -> InputsParser.readCsv(f));
    assertEquals("--inputs", e.field());
    assertTrue(e.getMessage().contains("line 4, column 2"), e.getMessage());
    SpecException a = assertThrows(SpecException.class, () -> InputsParser.fromSpec("norms=1,1;angles=1,2", 4));
    assertTrue(a.getMessage().contains("need 1 angles"), a.getMessage());
    SpecException one = assertThrows(SpecException.class, () -> InputsParser.fromSpec("norms=1;angles=1", 4));
    assertTrue(one.getMessage().contains("only one input"), one.getMessage());
  }
}
