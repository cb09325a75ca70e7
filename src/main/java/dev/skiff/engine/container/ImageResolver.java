package dev.skiff.engine.container;

/** Finds a local image by name, short name or id; throws NoSuchObjectException ("image not known"). */
public interface ImageResolver {
  ResolvedImage resolve(String nameOrId);
}
