package dev.skiff.security;

/** A kernel release such as {@code 6.1.0-13-amd64}, compared on major and minor. */
public record KernelVersion(int major, int minor) implements Comparable<KernelVersion> {

  /**
   * Parses {@code 5.8}, {@code 6.1.0-13-amd64} and similar.
   *
   * @throws InvalidSecuritySettingException quoting the text if there is no {@code major.minor}
   */
  public static KernelVersion parse(String text) {
    String[] parts = text.strip().split("[.\\-+]");
    try {
      return new KernelVersion(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      throw new InvalidSecuritySettingException("invalid kernel version \"" + text + "\"");
    }
  }

  public boolean atLeast(String minimum) {
    return compareTo(parse(minimum)) >= 0;
  }

  @Override
  public int compareTo(KernelVersion o) {
    return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
  }
}
