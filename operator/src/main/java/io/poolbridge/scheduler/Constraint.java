package io.poolbridge.scheduler;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * A placement constraint on a node attribute, with Marathon's operators. The attribute is any key
 * of the node's attributes: {@code hostname}, {@code pool}, {@code provider}, {@code region},
 * {@code zone}, or a node or pool label.
 *
 * <p>A constraint counts the instances of its own workload per attribute value, both those
 * already placed and those placed earlier in the same scheduling call. A node that lacks the
 * attribute fails every operator except {@link Operator#UNLIKE}.
 */
public final class Constraint {

  /** Marathon's constraint operators. */
  public enum Operator {
    /** At most one instance per value. Takes no value. */
    UNIQUE,
    /** Every instance on the same value: the given one, or the one the first placement fixes. */
    CLUSTER,
    /**
     * Spread evenly over the values: an instance may go to a value only if the value's count is
     * the smallest among the known values, which are those the workload already uses and those of
     * the nodes that can hold the instance now. With a value {@code N}, values not yet used count
     * 0 until {@code N} values are in use, so the instances wait for {@code N} values to be offered
     * rather than pile onto fewer.
     */
    GROUP_BY,
    /** The value fully matches a regular expression. */
    LIKE,
    /** The value does not fully match a regular expression (a node without the attribute passes). */
    UNLIKE,
    /** At most {@code N} instances per value. */
    MAX_PER,
    /** The value equals the given one. */
    IS
  }

  private final String attribute;
  private final Operator operator;
  private final String value;
  private final Pattern pattern;
  private final int number;

  private Constraint(String attribute, Operator operator, String value) {
    if (attribute == null || attribute.isBlank()) {
      throw new IllegalArgumentException("a constraint needs an attribute");
    }
    this.attribute = attribute;
    this.operator = Objects.requireNonNull(operator, "operator");
    this.value = value;
    boolean valueRequired = switch (operator) {
      case LIKE, UNLIKE, MAX_PER, IS -> true;
      case UNIQUE, CLUSTER, GROUP_BY -> false;
    };
    if (valueRequired && value == null) {
      throw new IllegalArgumentException("constraint " + attribute + " " + operator + " needs a value");
    }
    if (operator == Operator.UNIQUE && value != null) {
      throw new IllegalArgumentException("constraint " + attribute + " UNIQUE takes no value");
    }
    this.pattern = operator == Operator.LIKE || operator == Operator.UNLIKE ? compile(value) : null;
    this.number = operator == Operator.MAX_PER || (operator == Operator.GROUP_BY && value != null) ? positive(value) : 0;
  }

  /** A constraint without a value: {@code UNIQUE}, {@code CLUSTER} or {@code GROUP_BY}. */
  public static Constraint of(String attribute, Operator operator) {
    return new Constraint(attribute, operator, null);
  }

  public static Constraint of(String attribute, Operator operator, String value) {
    return new Constraint(attribute, operator, value);
  }

  /** The longest LIKE / UNLIKE pattern, in characters (the CRD's maxLength says the same). */
  public static final int MAX_PATTERN_LENGTH = 256;

  /**
   * A LIKE / UNLIKE pattern in RE2 syntax (as Kubernetes CEL's {@code matches()}), matched in time
   * linear in the value by RE2/J: no back-references or lookarounds, and no pattern can make a match
   * backtrack exponentially.
   */
  private Pattern compile(String regex) {
    if (regex.length() > MAX_PATTERN_LENGTH) {
      throw new IllegalArgumentException("constraint " + attribute + " " + operator + ": the regular expression is "
          + regex.length() + " characters long; at most " + MAX_PATTERN_LENGTH + " are allowed");
    }
    int repeat = repetition(regex);
    if (repeat > MAX_REPETITION) {
      throw new IllegalArgumentException("constraint " + attribute + " " + operator + ": invalid regular expression "
          + regex + ": counted repetitions nest to " + (repeat == Integer.MAX_VALUE ? "more than 10^9" : repeat)
          + " copies; at most " + MAX_REPETITION + " are allowed (as in RE2 and Kubernetes' CEL)");
    }
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("constraint " + attribute + " " + operator + ": invalid regular expression "
          + regex + ": " + e.getDescription(), e);
    }
  }

  /** The most copies counted repetitions ({@code x{n}}, {@code x{n,m}}, nested) may make of one atom. */
  static final int MAX_REPETITION = 1000;

  /**
   * How many copies of one atom the counted repetitions of {@code regex} make at most: the product
   * of the counts of nested repetitions ({@code (a{1000}){1000}} makes 10^6), saturating. RE2
   * refuses more than 1000 (RE2/J does not, and compiles such a pattern into a program of that many
   * instructions: seconds and gigabytes), so it is checked before compiling.
   */
  static int repetition(String regex) {
    java.util.ArrayDeque<long[]> groups = new java.util.ArrayDeque<>();
    long inner = 1; // the most copies inside the current group so far
    long last = 1; // copies the atom just read makes (a group: its inner)
    for (int i = 0; i < regex.length(); i++) {
      char c = regex.charAt(i);
      if (c == '\\') {
        i++;
        last = 1;
      } else if (c == '[') {
        // A character class is one atom: skip to its end.
        int j = i + 1;
        if (j < regex.length() && regex.charAt(j) == '^') {
          j++;
        }
        if (j < regex.length() && regex.charAt(j) == ']') {
          j++;
        }
        while (j < regex.length() && regex.charAt(j) != ']') {
          j += regex.charAt(j) == '\\' ? 2 : 1;
        }
        i = j;
        last = 1;
      } else if (c == '(') {
        groups.push(new long[] {inner});
        inner = 1;
        last = 1;
      } else if (c == ')') {
        long group = inner;
        inner = groups.isEmpty() ? 1 : groups.pop()[0];
        last = group;
        inner = Math.max(inner, group);
      } else if (c == '{') {
        int close = regex.indexOf('}', i);
        java.util.regex.Matcher m = close < 0 ? null
            : java.util.regex.Pattern.compile("(\\d+)(?:,(\\d*))?").matcher(regex.substring(i + 1, close));
        if (m != null && m.matches()) {
          long n = Math.max(bounded(m.group(1)), m.group(2) == null || m.group(2).isEmpty() ? 0 : bounded(m.group(2)));
          last = Math.min(Integer.MAX_VALUE, last * Math.max(1, n));
          inner = Math.max(inner, last);
          i = close;
        }
      } else {
        last = 1;
      }
    }
    while (!groups.isEmpty()) {
      inner = Math.max(inner, groups.pop()[0]);
    }
    return (int) Math.min(Integer.MAX_VALUE, inner);
  }

  private static long bounded(String digits) {
    return digits.length() > 9 ? Integer.MAX_VALUE : Long.parseLong(digits);
  }

  private int positive(String n) {
    try {
      int v = Integer.parseInt(n);
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("constraint " + attribute + " " + operator + " needs a positive number, got " + n);
  }

  public String attribute() {
    return attribute;
  }

  public Operator operator() {
    return operator;
  }

  /** The value, regular expression or number; {@code null} when the operator takes none. */
  public String value() {
    return value;
  }

  /**
   * Whether one more instance may go to a node whose attribute has {@code nodeValue} ({@code null}
   * when the node lacks the attribute).
   *
   * @param used the workload's instances per value of the attribute (no zero entries)
   * @param candidateValues the values of the nodes that can hold the instance now (for GROUP_BY)
   */
  boolean admits(String nodeValue, Map<String, Integer> used, Set<String> candidateValues) {
    return admits(nodeValue, used, operator == Operator.GROUP_BY && nodeValue != null ? groupMinimum(used, candidateValues) : 0);
  }

  /**
   * {@link #admits(String, Map, Set)} with the GROUP_BY minimum already worked out by {@link
   * #groupMinimum} (it does not depend on the node, so a caller checking many nodes computes it once).
   */
  boolean admits(String nodeValue, Map<String, Integer> used, int groupMinimum) {
    if (nodeValue == null) {
      return operator == Operator.UNLIKE;
    }
    int count = used.getOrDefault(nodeValue, 0);
    return switch (operator) {
      case UNIQUE -> count == 0;
      case CLUSTER -> value != null ? value.equals(nodeValue) : used.isEmpty() || (used.size() == 1 && count > 0);
      case GROUP_BY -> count == groupMinimum;
      case LIKE -> pattern.matcher(nodeValue).matches();
      case UNLIKE -> !pattern.matcher(nodeValue).matches();
      case MAX_PER -> count < number;
      case IS -> value.equals(nodeValue);
    };
  }

  /**
   * Whether a node whose attribute has {@code nodeValue} is kept off by this constraint whatever
   * the workload's counts: a missing attribute (unless UNLIKE), a value LIKE, UNLIKE, IS or a
   * CLUSTER with a given value reject.
   */
  boolean rejectsAlways(String nodeValue) {
    return (nodeValue == null || countFree()) && !admits(nodeValue, Map.of(), 0);
  }

  /** Whether it decides on the node's value alone, whatever the workload's counts: LIKE, UNLIKE, IS, CLUSTER with a value. */
  boolean countFree() {
    return operator == Operator.LIKE || operator == Operator.UNLIKE || operator == Operator.IS
        || (operator == Operator.CLUSTER && value != null);
  }

  /** The count a GROUP_BY value must have to take one more instance: the smallest among the known values. */
  int groupMinimum(Map<String, Integer> used, Set<String> candidateValues) {
    if (used.size() < number) {
      return 0;
    }
    int min = Integer.MAX_VALUE;
    for (int c : used.values()) {
      min = Math.min(min, c);
    }
    for (String v : candidateValues) {
      min = Math.min(min, used.getOrDefault(v, 0));
    }
    return min == Integer.MAX_VALUE ? 0 : min;
  }

  /** Why no offered node satisfies this constraint, as the end of {@code "Constraint zone UNIQUE ..."}. */
  String unmet(Map<String, Integer> used) {
    return switch (operator) {
      case UNIQUE -> "has no value left";
      case CLUSTER -> {
        if (value != null) {
          yield "has no offer in " + attribute + "=" + value;
        }
        yield used.size() == 1
            ? "has no offer in " + attribute + "=" + used.keySet().iterator().next()
            : "cannot hold: instances already run in " + new TreeSet<>(used.keySet());
      }
      case GROUP_BY -> used.size() < number
          ? "waits for offers in " + number + " values, has " + used.size()
          : "has no offer in a least-used value";
      case LIKE, IS -> "matches no offered node";
      case UNLIKE -> "excludes every offered node";
      case MAX_PER -> "has no value with fewer than " + number + " instances left";
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Constraint c
        && attribute.equals(c.attribute) && operator == c.operator && Objects.equals(value, c.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(attribute, operator, value);
  }

  /** {@code zone GROUP_BY 3}, {@code hostname UNIQUE}. */
  @Override
  public String toString() {
    return attribute + " " + operator + (value == null ? "" : " " + value);
  }
}
