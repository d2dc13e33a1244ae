package org.rgflow.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** One-line causes of native load failures. Run: {@code mvn -B test -Dtest=NativeErrorsTest}. */
class NativeErrorsTest {
  /** The shape of JCuda 12.6's LibUtils message (abridged from a real run without libcuda). */
  private static final String JCUDA = "Error while loading native library \"JCudaDriver-12.6.0-linux-x86_64\"\n"
      + "Operating system name: Linux\n---(start of nested stack traces)---\n"
      + "java.lang.UnsatisfiedLinkError: no JCudaDriver-12.6.0-linux-x86_64 in java.library.path: /usr/lib\n"
      + "\tat java.base/java.lang.ClassLoader.loadLibrary(ClassLoader.java:2434)\n"
      + "java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver-12.6.0-linux-x86_64.so: libcuda.so.1: cannot open"
      + " shared object file: No such file or directory\n---(end of nested stack traces)---\n";

  @Test
  void jcudaMessageBecomesTheMissingLibrary() {
    UnsatisfiedLinkError e = new UnsatisfiedLinkError(JCUDA);
    assertEquals("libcuda.so.1", NativeErrors.missingLibrary(e));
    assertEquals("libcuda.so.1 not found", NativeErrors.describe(e));
    assertEquals("libcublas.so.12 not found", NativeErrors.describe(new ExceptionInInitializerError(
        new UnsatisfiedLinkError("x.so: libcublas.so.12: cannot open shared object file: No such file"))));
  }

  @Test
  void otherErrorsKeepTheirFirstLine() {
    assertNull(NativeErrors.missingLibrary(new RuntimeException("boom")));
    assertEquals("RuntimeException: boom", NativeErrors.describe(new RuntimeException("boom\n\tat x")));
    assertEquals("undefined symbol cuFoo_v2 (library version mismatch)",
        NativeErrors.describe(new UnsatisfiedLinkError("/tmp/a.so: undefined symbol: cuFoo_v2")));
    assertEquals("IllegalStateException", NativeErrors.describe(new IllegalStateException()));
  }
}
