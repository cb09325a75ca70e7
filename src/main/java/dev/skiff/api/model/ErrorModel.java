package dev.skiff.api.model;

/** The one error body of both API flavours: podman-remote reads {@code message} and {@code response}. */
public record ErrorModel(String cause, String message, int response) {}
