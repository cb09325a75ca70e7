package dev.skiff.security;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One line of a {@code uid_map}/{@code gid_map}: container IDs {@code [containerId, containerId +
 * size)} map to host IDs {@code [hostId, hostId + size)}. Serialises as the OCI runtime-spec {@code
 * LinuxIDMapping}.
 */
public record IdMapping(
    @JsonProperty("containerID") long containerId,
    @JsonProperty("hostID") long hostId,
    @JsonProperty("size") long size) {

  public IdMapping {
    if (size <= 0) {
      throw new InvalidSecuritySettingException(
          "invalid ID mapping "
              + text(containerId, hostId, size)
              + ": size must be greater than 0");
    }
    if (containerId < 0 || hostId < 0) {
      throw new InvalidSecuritySettingException(
          "invalid ID mapping " + text(containerId, hostId, size) + ": IDs must not be negative");
    }
    if (containerId + size > SubIdRange.ID_LIMIT || hostId + size > SubIdRange.ID_LIMIT) {
      throw new InvalidSecuritySettingException(
          "invalid ID mapping "
              + text(containerId, hostId, size)
              + ": IDs must stay below "
              + SubIdRange.ID_LIMIT);
    }
  }

  public static IdMapping of(long containerId, long hostId, long size) {
    return new IdMapping(containerId, hostId, size);
  }

  /** Parses podman's {@code --uidmap} form {@code container:host:size}. */
  public static IdMapping parse(String text) {
    String[] fields = text.split(":", -1);
    if (fields.length != 3) {
      throw new InvalidSecuritySettingException(
          "invalid ID mapping \"" + text + "\": expected container_id:host_id:amount");
    }
    try {
      return new IdMapping(
          Long.parseLong(fields[0]), Long.parseLong(fields[1]), Long.parseLong(fields[2]));
    } catch (NumberFormatException e) {
      throw new InvalidSecuritySettingException(
          "invalid ID mapping \"" + text + "\": fields must be numbers");
    }
  }

  /** The host IDs this mapping uses. */
  public SubIdRange hostRange() {
    return SubIdRange.of(hostId, size);
  }

  /** The container IDs this mapping defines. */
  public SubIdRange containerRange() {
    return SubIdRange.of(containerId, size);
  }

  @Override
  public String toString() {
    return text(containerId, hostId, size);
  }

  private static String text(long containerId, long hostId, long size) {
    return containerId + ":" + hostId + ":" + size;
  }
}
