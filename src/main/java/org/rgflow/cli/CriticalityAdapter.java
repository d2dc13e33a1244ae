package org.rgflow.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.rgflow.act.Activation;

/**
 * The one call into the theory's criticality analysis, {@code org.rgflow.theory.Criticality
 * .analyze(Activation)}, which returns a record.
 *
 * <p>MERGE NOTE: the class is written by the theory engineer and does not exist on this branch, so
 * it is looked up reflectively; once merged this body can become the direct call
 * {@code return Criticality.analyze(activation);}. Whatever record it returns is rendered field by
 * field by {@link Records#toMap}, so the command needs no change when the record grows.
 */
final class CriticalityAdapter {
  static final String CLASS = "org.rgflow.theory.Criticality";

  private CriticalityAdapter() {}

  static Object analyze(Activation activation) {
    return analyze(CLASS, activation);
  }

  /** {@code className.analyze(activation)}; the class name is a parameter only for the test. */
  static Object analyze(String className, Activation activation) {
    Method m;
    try {
      m = Class.forName(className).getMethod("analyze", Activation.class);
    } catch (ClassNotFoundException | NoSuchMethodException e) {
      throw new UnsupportedOperationException("criticality analysis is not in this build (" + className
          + ".analyze(Activation) missing)");
    }
    try {
      return m.invoke(null, activation);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
