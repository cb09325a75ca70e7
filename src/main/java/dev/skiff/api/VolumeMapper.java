package dev.skiff.api;

import dev.skiff.api.model.compat.CompatVolume;
import dev.skiff.api.model.libpod.LibpodVolume;
import dev.skiff.engine.Volume;

/** Volume wire shapes of both flavours. */
public final class VolumeMapper {

  private VolumeMapper() {}

  public static LibpodVolume libpod(Volume v) {
    return new LibpodVolume(v.name(), v.driver(), v.mountpoint().toString(), v.createdAt().toString(),
        v.labels(), "local", v.options(), 0, 0, v.anonymous(), 0, true, true);
  }

  public static CompatVolume compat(Volume v) {
    return new CompatVolume(v.name(), v.driver(), v.mountpoint().toString(), v.createdAt().toString(),
        v.labels(), "local", v.options());
  }
}
