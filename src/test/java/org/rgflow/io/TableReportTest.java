package org.rgflow.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Number formats and shown components. Run: {@code mvn -B test -Dtest=TableReportTest}. */
class TableReportTest {

  @Test
  void componentsShownForTwoInputs() {
    String shown = TableReport.shownComponents(2, 4).stream().map(TableReport::label)
        .collect(Collectors.joining(" "));
    assertEquals("(0,0)(0,0) (1,1)(1,1) (0,0)(1,1) (0,1)(0,1)", shown);
    assertEquals(List.of("[0,0]", "[1,1]", "[0,1]"),
        TableReport.shownComponents(2, 2).stream().map(TableReport::label).toList());
    assertEquals(1, TableReport.shownComponents(1, 2).size());
  }

  @Test
  void numbersReadAtThePrecisionOfTheirError() {
    assertEquals(3, TableReport.decimalsFor(0.012));
    assertEquals(0, TableReport.decimalsFor(12));
    assertEquals("1.235", TableReport.fmt(1.23456, TableReport.decimalsFor(0.01)));
    assertEquals("1.2346", TableReport.fmt(1.23456, -1));
    assertEquals("-", TableReport.fmt(Double.NaN));
    assertEquals("0.1", TableReport.shortNum(0.1));
    assertEquals("2", TableReport.shortNum(2.0));
  }
}
